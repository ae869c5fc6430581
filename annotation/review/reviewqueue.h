// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/shapes/shape.h"

#include <array>
#include <optional>
#include <vector>

namespace loupe::annotation {

// The order review mode walks shapes in. Lowest score first puts the model's least certain proposals
// in front of the reviewer (shapes without a score, i.e. drawn by hand, come last). By state puts what
// still needs a look first: needs fix, new, rejected, accepted (lowest score first within a state).
enum class ReviewOrder { LowestScoreFirst, NewestFirst, ByLabel, ByState };

struct ReviewFilter
{
    std::optional<ReviewState> state = ReviewState::New; // nullopt: every state
    std::optional<qint64> labelId;
    std::optional<ShapeSource> source;
};

// Ids of the shapes passing filter, in review order; ties go by id so the order is stable across runs.
std::vector<qint64> reviewOrder(const std::vector<Shape>& shapes, ReviewOrder order,
                                const ReviewFilter& filter = {});

// How many shapes are in each review state (indexed by ReviewState), for the dataset browser.
using ReviewCounts = std::array<qsizetype, 4>;
ReviewCounts countByReviewState(const std::vector<Shape>& shapes);

} // namespace loupe::annotation
