// SPDX-License-Identifier: MIT
#include "compute/generate/beam_hypotheses.h"

#include "compute/error.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace loupe::compute::generate {

BeamHypotheses::BeamHypotheses(int64_t numBeams, double lengthPenalty,
                               GenerationConfig::EarlyStopping earlyStopping, int64_t maxLength)
    : numBeams_(numBeams), lengthPenalty_(lengthPenalty), earlyStopping_(earlyStopping), maxLength_(maxLength)
{
}

void BeamHypotheses::add(std::vector<int64_t> tokens, double sumLogprobs, int64_t generatedLength)
{
    const double score = sumLogprobs / std::pow(double(generatedLength), lengthPenalty_);
    if (int64_t(beams_.size()) < numBeams_ || score > worst_) {
        beams_.push_back({score, std::move(tokens)});
        if (int64_t(beams_.size()) > numBeams_) {
            // sorted([(s, idx)]): the lowest score goes (the lowest index among ties); the next is the worst.
            std::vector<size_t> idx(beams_.size());
            std::iota(idx.begin(), idx.end(), 0);
            std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
                return beams_[a].score < beams_[b].score || (beams_[a].score == beams_[b].score && a < b);
            });
            worst_ = beams_[idx[1]].score;
            beams_.erase(beams_.begin() + std::ptrdiff_t(idx[0]));
        } else {
            worst_ = std::min(score, worst_);
        }
    }
}

bool BeamHypotheses::isDone(double bestSumLogprobs, int64_t curLength, int64_t promptLength) const
{
    if (int64_t(beams_.size()) < numBeams_) return false;
    using ES = GenerationConfig::EarlyStopping;
    if (earlyStopping_ == ES::True) return true;
    double highest;
    if (earlyStopping_ == ES::Never && lengthPenalty_ > 0) {
        if (maxLength_ <= promptLength)
            throw Error("beam search", "max_length must exceed the prompt length");
        highest = bestSumLogprobs / std::pow(double(maxLength_ - promptLength), lengthPenalty_);
    } else {
        highest = bestSumLogprobs / std::pow(double(curLength - promptLength), lengthPenalty_);
    }
    return worst_ >= highest;
}

std::vector<BeamHypotheses::Hypothesis> BeamHypotheses::best(int64_t count) const
{
    std::vector<Hypothesis> sorted = beams_;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Hypothesis& a, const Hypothesis& b) { return a.score < b.score; });
    std::vector<Hypothesis> out;
    for (int64_t i = 0; i < count && !sorted.empty(); ++i) {
        out.push_back(sorted.back());
        sorted.pop_back();
    }
    return out;
}

} // namespace loupe::compute::generate
