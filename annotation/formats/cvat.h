// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/dataset/dataset.h"
#include "annotation/formats/formats.h"

namespace loupe::annotation::cvat {

// "CVAT for images 1.1" XML, written to <out>/annotations.xml (images copied to <out>/images/<name>
// when ExportOptions::imageRoot is set, the layout CVAT's import takes). Rotated rectangles are boxes with a
// rotation attribute; masks use CVAT's own RLE (row-major runs inside the mask's box, not COCO's
// column-major image-wide runs); keypoint groups are skeletons; model shapes have source="auto".
bool write(const Dataset& data, const QString& outDir, const ExportOptions& options, FormatReport& report);
QByteArray annotationsXml(const Dataset& data, FormatReport& report);

// Import annotations.xml (or a folder holding it).
std::optional<Dataset> read(const QString& path, FormatReport& report, const ImportOptions& options = {});
bool parse(const QByteArray& xml, const QString& fileName, Dataset& data, FormatReport& report,
           const ImportOptions& options = {});

} // namespace loupe::annotation::cvat
