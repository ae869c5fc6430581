// SPDX-License-Identifier: MIT
#include "annotation/review/reviewqueue.h"

#include <algorithm>

namespace loupe::annotation {

std::vector<qint64> reviewOrder(const std::vector<Shape>& shapes, ReviewOrder order,
                                const ReviewFilter& filter)
{
    std::vector<const Shape*> picked;
    for (const Shape& s : shapes) {
        if (filter.state && s.review != *filter.state) continue;
        if (filter.labelId && s.labelId != *filter.labelId) continue;
        if (filter.source && s.source != *filter.source) continue;
        picked.push_back(&s);
    }
    auto byScore = [](const Shape* a, const Shape* b) {
        if (a->score.has_value() != b->score.has_value())
            return a->score.has_value(); // scored (model) shapes before unscored ones
        if (a->score && *a->score != *b->score) return *a->score < *b->score;
        return a->id < b->id;
    };
    switch (order) {
    case ReviewOrder::LowestScoreFirst:
        std::sort(picked.begin(), picked.end(), byScore);
        break;
    case ReviewOrder::NewestFirst:
        std::sort(picked.begin(), picked.end(), [](const Shape* a, const Shape* b) {
            if (a->created != b->created) return a->created > b->created;
            return a->id > b->id;
        });
        break;
    case ReviewOrder::ByState:
        std::sort(picked.begin(), picked.end(), [&](const Shape* a, const Shape* b) {
            // NeedsFix, New, Rejected, Accepted.
            auto rank = [](ReviewState r) {
                return r == ReviewState::NeedsFix   ? 0
                       : r == ReviewState::New      ? 1
                       : r == ReviewState::Rejected ? 2
                                                    : 3;
            };
            if (a->review != b->review) return rank(a->review) < rank(b->review);
            return byScore(a, b);
        });
        break;
    case ReviewOrder::ByLabel:
        std::sort(picked.begin(), picked.end(), [&](const Shape* a, const Shape* b) {
            if (a->labelId != b->labelId) return a->labelId < b->labelId;
            return byScore(a, b);
        });
        break;
    }
    std::vector<qint64> ids;
    ids.reserve(picked.size());
    for (const Shape* s : picked)
        ids.push_back(s->id);
    return ids;
}

ReviewCounts countByReviewState(const std::vector<Shape>& shapes)
{
    ReviewCounts c{};
    for (const Shape& s : shapes)
        ++c[size_t(s.review)];
    return c;
}

} // namespace loupe::annotation
