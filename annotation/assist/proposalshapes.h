// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/shapes/shape.h"
#include "core/inference/detector.h"

#include <QHash>
#include <vector>

namespace loupe::annotation {

// A detection's outline: the polygon around its mask's largest region (simplified at `tolerance`
// pixels), or its box when it has no mask or the mask is too small to outline. nullopt when it has
// neither.
std::optional<Geometry> proposalGeometry(const core::Detection& d, double tolerance = 1.0);

// One image's detections as shapes proposed by run `runId`: source Model, the detection's score,
// review state New, the label whose name the detection gives (`labelIds`, by name; a name the project
// does not have leaves the shape without a label, as a class-agnostic detector's are), created/updated
// `now`. Detections below `threshold` or without geometry are dropped.
std::vector<Shape> proposalShapes(const std::vector<core::Detection>& detections, qint64 imageId,
                                  qint64 runId, const QHash<QString, qint64>& labelIds, double threshold,
                                  const QDateTime& now);

} // namespace loupe::annotation
