// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/dataset/dataset.h"
#include "annotation/formats/formats.h"

namespace loupe::annotation::labelme {

// labelme JSON (not CVAT's "LabelMe 3.0", which is MIT LabelMe XML): one <image path without
// suffix>.json per image under <out>, imagePath the image's file name: the image is copied beside the
// JSON when ExportOptions::imageRoot is set (labelme opens nothing else). Tags become image "flags",
// masks "mask" shapes (a PNG of the mask's box), keypoint groups "point" shapes sharing a group_id with
// the keypoint's name as description (read back as a group; hidden keypoints come back visible).
bool write(const Dataset& data, const QString& outDir, const ExportOptions& options, FormatReport& report);
QByteArray imageJson(const Dataset& data, const DatasetImage& image, FormatReport& report);

// Import every .json under a folder, or one file.
std::optional<Dataset> read(const QString& path, FormatReport& report, const ImportOptions& options = {});
// Parses one labelme JSON; relDir is its folder relative to the import root.
bool parse(const QByteArray& json, const QString& fileName, const QString& relDir, Dataset& data,
           FormatReport& report, const ImportOptions& options = {});

} // namespace loupe::annotation::labelme
