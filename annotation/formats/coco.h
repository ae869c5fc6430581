// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/dataset/dataset.h"
#include "annotation/formats/formats.h"

namespace loupe::annotation::coco {

// COCO object detection / keypoints / captions JSON.
// Export writes <out>/annotations/instances_<split>.json and, when there are captions,
// captions_<split>.json (and copies the images to <out>/images/<file_name> when ExportOptions::imageRoot
// is set); categories and annotation ids start at 1 (pycocotools treats 0 as "none"),
// bbox is [x, y, w, h], area is the shoelace area or mask pixel count, masks are column-major RLE.
bool write(const Dataset& data, const QString& outDir, const ExportOptions& options, FormatReport& report);
QByteArray instancesJson(const Dataset& data, FormatReport& report);
QByteArray captionsJson(const Dataset& data); // empty when there are no captions

// Import reads one JSON file, or every *.json under <path>/annotations (or <path>) when given a folder.
std::optional<Dataset> read(const QString& path, FormatReport& report, const ImportOptions& options = {});
// Parses one COCO JSON document into data (merging images by file_name); false on any error.
bool parse(const QByteArray& json, const QString& fileName, Dataset& data, FormatReport& report,
           const ImportOptions& options = {});

} // namespace loupe::annotation::coco
