// SPDX-License-Identifier: MIT
#pragma once

#include "plugins/api/format_report.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <optional>

namespace loupe::kitti {

// Where a KITTI object dataset keeps its files: label_2/<stem>.txt next to image_2/<stem>.png.
struct Layout
{
    QString labelDir;
    QString imageDir;       // may not exist
    QStringList labelFiles; // absolute, in name order
};

// A dataset folder (holding label_2/, or training/label_2/), a label folder, or one label file;
// nullopt with *error naming the path when none of these.
std::optional<Layout> findLayout(const QString& path, QString* error);
// The image for a label file's stem in imageDir (png, then jpg/jpeg); empty when there is none.
QString imageFor(const QString& imageDir, const QString& stem);

// Reads label files into the plugin API's dataset JSON; an image's path is its frame's (kitti_frames.h).
// Boxes are taken as Loupe's pixel coordinates as they are (left, top, right, bottom -> x, y, w, h); the
// other fields become the shape's attributes (truncated, occluded, alpha, dimensions, location, rotation_y)
// so an export writes them back.
bool read(const QString& path, const QJsonObject& options, QJsonObject* dataset,
          plugin::FormatReport& report);
// Writes label_2/<frame>.txt for every image (empty for one without boxes; frame names in
// kitti_frames.h), ImageSets/<split>.txt listing the frames, and copies the images to
// image_2/<frame>.<suffix> when options has "imageRoot".
bool write(const QJsonObject& dataset, const QString& outDir, const QJsonObject& options,
           plugin::FormatReport& report);

} // namespace loupe::kitti
