// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/bridge/projectaccess.h"

#include <QString>
#include <vector>

namespace loupe::core {
class Project;
} // namespace loupe::core

namespace loupe::annotation {

// One frame of an image sequence or video.
struct Frame
{
    qint64 id = 0;
    QString path; // absolute
};

// Which images play after which: propagation and interpolation walk frames in this order.
class FrameOrder
{
public:
    virtual ~FrameOrder() = default;
    // Every frame of the sequence `assetId` belongs to, in playback order, that frame included; empty
    // when the project has no such image.
    virtual std::vector<Frame> sequenceOf(qint64 assetId) const = 0;
};

// Images of one folder are one sequence (for a ProjectAccess without the store's sequences), ordered by file
// name with runs of digits compared as numbers (frame_9.png before frame_10.png): how exported frames and
// image sequences are named.
class FolderFrameOrder : public FrameOrder
{
public:
    explicit FolderFrameOrder(const ProjectAccess& project);
    std::vector<Frame> sequenceOf(qint64 assetId) const override;

private:
    QString m_root;
    std::vector<ProjectImage> m_images;
};

// The project's own sequences (Project::sequenceFramesOf): an imported video's frames by frame index,
// the images of a folder by file name. What the window and `loupe propagate` walk.
class ProjectFrameOrder : public FrameOrder
{
public:
    explicit ProjectFrameOrder(const core::Project& project) : m_project(project) {}
    std::vector<Frame> sequenceOf(qint64 assetId) const override;

private:
    const core::Project& m_project;
};

// The frames from `from` to `to` of their common sequence, both included, in playback order. Empty with
// *error saying why when either is not in the project, they belong to different sequences, or `to`
// plays before `from`.
std::vector<Frame> framesFromTo(const FrameOrder& order, qint64 from, qint64 to, QString* error);

} // namespace loupe::annotation
