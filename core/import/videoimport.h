// SPDX-License-Identifier: MIT
#pragma once

#include "core/import/importjob.h"

#include <QString>
#include <atomic>

namespace loupe::core {

class Project;

// True for the extensions taken as videos (mp4, avi, mov, mkv, webm, m4v), case-insensitive.
bool isVideoFile(const QString& fileName);
// Whether this build reads videos (OpenCV videoio was found when it was built).
bool hasVideoSupport();
// Whether `path` opens as a video with at least one frame: for files named explicitly whose extension
// says neither image nor video. False in a build without video support.
bool opensAsVideo(const QString& path);

// Frames are decoded in order and committed in batches of this many (PNG encoding dominates, so a
// batch is smaller than an image batch to keep progress and cancel responsive).
inline constexpr int kVideoBatchSize = 32;

struct VideoImportOptions
{
    int stride = 1; // every Nth frame: 0, N, 2N, ...
    int batchSize = kVideoBatchSize;
};

// Imports a video as frames. Every `stride`-th frame is written as a PNG under the project's folder,
// frames/<sequence>/frame_000123.png (the number is the frame's index in the video), and added as an
// asset with that sequence and frame; the metadata records the video ({"video", "fps", "time_ms"}).
// The sequence is named after the video's file name ("clip" for clip.mp4, "clip-2" when another video
// of that name was imported before); importing the same video again continues its sequence, skipping
// the frames already there (counted as duplicates), so an import killed midway resumes where its last
// committed batch ended. Each batch is one transaction and its PNGs are written (QSaveFile) before it
// commits. `progress` gets (frames handled, frames expected); `cancel` is checked between frames.
// A missing, unreadable or undecodable file, a video that ends before the frame count its header
// gives, or a build without video support is reported in `failed` as "FILE: reason"; the frames read
// before a decode error are kept.
ImportReport importVideo(Project& project, const QString& videoPath, const VideoImportOptions& options = {},
                         const ProgressCallback& progress = {}, std::atomic<bool>* cancel = nullptr);

} // namespace loupe::core
