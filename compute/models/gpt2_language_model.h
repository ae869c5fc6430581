// SPDX-License-Identifier: MIT
#pragma once

#include "compute/generate/language_model.h"
#include "compute/models/gpt2.h"

#include <memory>

namespace loupe::compute {

// GPT-2 behind the decoding loop: the prompt runs once (all rows), then one token per row per step
// through a key/value cache preallocated for the whole sequence. Optional encoder states make it the
// decoder of an encoder-decoder (cross-attention keys/values computed once).
class Gpt2LanguageModel final : public generate::LanguageModel
{
public:
    explicit Gpt2LanguageModel(Gpt2Model model, Tensor encoderHiddenStates = {});

    int64_t vocabSize() const override;
    int64_t maxPositions() const override;
    std::vector<std::vector<float>> start(const std::vector<int64_t>& prompt, int64_t rows,
                                          int64_t maxLength) override;
    std::vector<std::vector<float>> next(const std::vector<int64_t>& parents,
                                         const std::vector<int64_t>& tokens) override;

    const transformer::KvCache& cache() const { return cache_; }
    // Observations of the last step (e.g. "blk.*.cross_probs"); set before start().
    Gpt2RunOptions stepOptions;
    const Gpt2Output& lastOutput() const { return last_; }

private:
    std::vector<std::vector<float>> lastLogits();

    Gpt2Model model_;
    Tensor encoder_;
    transformer::KvCache cache_;
    Gpt2Output last_;
};

} // namespace loupe::compute
