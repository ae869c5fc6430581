// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace loupe::compute::generate {

// One row of next-token scores, transformed in place as transformers' logits processors and warpers do
// (generation/logits_process.py, 4.41). Removed tokens get -inf.

// CTRL's repetition penalty: every id in `tokens` (the prompt included) has its score divided by
// `penalty` when positive, multiplied when negative.
void applyRepetitionPenalty(std::vector<float>& scores, const std::vector<int64_t>& tokens, double penalty);
// MinLength / MinNewTokensLength: EOS ids forced to -inf.
void suppressTokens(std::vector<float>& scores, const std::vector<int64_t>& ids);
void applyTemperature(std::vector<float>& scores, double temperature);
// Keeps the top max(k, minKeep) scores (and every score tied with the last of them).
void applyTopK(std::vector<float>& scores, int64_t k, int64_t minKeep = 1);
// Keeps the smallest set of most probable tokens whose probability reaches p: sorted ascending, a token
// goes when the cumulative probability up to and including it is <= 1 - p; the last minKeep stay.
void applyTopP(std::vector<float>& scores, double p, int64_t minKeep = 1);

void logSoftmaxInPlace(std::vector<float>& scores);
std::vector<float> softmax(const std::vector<float>& scores);
// Index of the largest score; the lowest index among ties (torch.argmax).
int64_t argmax(const std::vector<float>& scores);
// The k most probable (id, probability) pairs, best first, ties by lower id.
std::vector<std::pair<int64_t, float>> topProbabilities(const std::vector<float>& probs, int64_t k);

} // namespace loupe::compute::generate
