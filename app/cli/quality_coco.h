// SPDX-License-Identifier: MIT
#pragma once

#include "core/explain/quality_folder.h"

namespace loupe::cli {

// The quality harness on a COCO instances file: the mask of an image is the union of its objects'
// polygons and RLE masks (boxes and keypoints are not masks and are ignored). Images are found under
// `imagesDir` by their COCO file_name. Checked up front: the file parses, every image exists, its size
// is the one COCO records, and it has at least one polygon or mask; otherwise count 0 and *error naming
// the file. Lives above core/ because the COCO reader is annotation/'s, which core/ may not use; the
// dataset-to-source part is shared with the dialog (views/quality/datasetqualitysource.h).
core::QualitySource cocoQualitySource(const QString& imagesDir, const QString& cocoFile,
                                      const core::QualityTargets& targets, QString* error);

} // namespace loupe::cli
