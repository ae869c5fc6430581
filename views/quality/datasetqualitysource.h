// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/dataset/dataset.h"
#include "core/explain/quality_folder.h"

namespace loupe::core {
class Project;
} // namespace loupe::core

namespace loupe::views {

// Annotated images as a quality-harness source: the mask of an image is the union of its polygons and
// masks (boxes, points and tags are not masks). Checked up front: every image exists under `imageRoot`
// (by its relative path, else its bare file name) with the size the dataset records. Images without a
// polygon or mask are an error naming the image, or skipped (counted in *skipped) when `skipped` is given.
// Returns count 0 and *error naming the file on a problem. The item function reads files only, so it
// may run on a worker thread.
core::QualitySource datasetQualitySource(const annotation::Dataset& data, const QString& imageRoot,
                                         const core::QualityTargets& targets, QString* error,
                                         int* skipped = nullptr);

// The open project's annotated images (polygons/masks), for the Explanation quality dialog; target = the
// model's top class. Reads the project on the calling (GUI) thread.
core::QualitySource projectQualitySource(core::Project& project, QString* error, int* skipped = nullptr);

} // namespace loupe::views
