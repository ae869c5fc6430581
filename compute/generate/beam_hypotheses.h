// SPDX-License-Identifier: MIT
#pragma once

#include "compute/generate/generation_config.h"

#include <cstdint>
#include <vector>

namespace loupe::compute::generate {

// The finished hypotheses of one input in beam search: transformers' BeamHypotheses (4.41,
// generation/beam_search.py), kept to the `numBeams` best by normalised score
// sum_logprobs / generated_len ** length_penalty.
class BeamHypotheses
{
public:
    struct Hypothesis
    {
        double score = 0; // normalised
        std::vector<int64_t> tokens;
    };

    BeamHypotheses(int64_t numBeams, double lengthPenalty, GenerationConfig::EarlyStopping earlyStopping,
                   int64_t maxLength);

    // Offers a hypothesis; kept when the list is not full or it beats the worst one.
    void add(std::vector<int64_t> tokens, double sumLogprobs, int64_t generatedLength);
    // Whether no running beam can still enter the list (see GENERATION.md: early_stopping True, False,
    // "never").
    bool isDone(double bestSumLogprobs, int64_t curLength, int64_t promptLength) const;
    // Best first (ties: the later-offered first, as transformers' sorted()+pop() gives).
    std::vector<Hypothesis> best(int64_t count) const;

    size_t size() const { return beams_.size(); }
    double worstScore() const { return worst_; }

private:
    int64_t numBeams_;
    double lengthPenalty_;
    GenerationConfig::EarlyStopping earlyStopping_;
    int64_t maxLength_;
    std::vector<Hypothesis> beams_; // in insertion order
    double worst_ = 1e9;
};

} // namespace loupe::compute::generate
