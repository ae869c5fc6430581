// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/review/reviewqueue.h"

#include <QList>
#include <vector>

namespace loupe::core {
class Project;
} // namespace loupe::core

namespace loupe::annotation {

// One place in a review queue that spans images.
struct ReviewItem
{
    qint64 imageId = 0;
    qint64 shapeId = 0;
    bool operator==(const ReviewItem&) const = default;
};

// Every shape of the project passing filter, in review order across images (the order of
// reviewOrder, ties by shape id). Reads only the columns the order needs, not the geometry, so it
// stays quick on large projects; counts (when given) are per review state over the whole project.
std::vector<ReviewItem> projectReviewQueue(const core::Project& project, ReviewOrder order,
                                           const ReviewFilter& filter, ReviewCounts* counts = nullptr);

// Images with at least one shape in this review state, for the browser's "shapes that are ..." filter
// (ascending ids).
QList<qint64> imagesWithShapeState(const core::Project& project, ReviewState state);

} // namespace loupe::annotation
