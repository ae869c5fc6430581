// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/dataset/dataset.h"
#include "annotation/formats/formats.h"

namespace loupe::annotation::voc {

// Pascal VOC detection XML: <out>/Annotations/<image path without suffix>.xml per image and
// <out>/ImageSets/Main/<split>.txt (images copied to <out>/JPEGImages/<path> when
// ExportOptions::imageRoot is set). Boxes use VOC's 1-based inclusive pixel coordinates: the pixel
// span [x0, x1) in Loupe's coordinates is xmin = x0 + 1, xmax = x1. "pose", "truncated", "difficult"
// and "occluded" attributes map to the elements of the same name.
bool write(const Dataset& data, const QString& outDir, const ExportOptions& options, FormatReport& report);
QByteArray annotationXml(const Dataset& data, const DatasetImage& image, FormatReport& report);

// Import a folder (every .xml under it, Annotations/ preferred) or one .xml file.
std::optional<Dataset> read(const QString& path, FormatReport& report, const ImportOptions& options = {});
// Parses one VOC XML into data; relDir is the file's folder relative to the import root.
bool parse(const QByteArray& xml, const QString& fileName, const QString& relDir, Dataset& data,
           FormatReport& report, const ImportOptions& options = {});

} // namespace loupe::annotation::voc
