// SPDX-License-Identifier: MIT
#pragma once

#include "compute/generate/language_model.h"
#include "compute/models/blip_text.h"

namespace loupe::compute {

// BLIP's text decoder behind the decoding loop: the prompt runs once (all rows), then one token per row
// per step through a key/value cache preallocated for the whole sequence; the cross-attention keys/values
// of the encoder states (image embeddings for captions, question embeddings for answers) are computed
// once and shared by every row.
class BlipTextLanguageModel final : public generate::LanguageModel
{
public:
    BlipTextLanguageModel(BlipTextModel decoder, Tensor encoderStates);

    int64_t vocabSize() const override;
    int64_t maxPositions() const override;
    std::vector<std::vector<float>> start(const std::vector<int64_t>& prompt, int64_t rows,
                                          int64_t maxLength) override;
    std::vector<std::vector<float>> next(const std::vector<int64_t>& parents,
                                         const std::vector<int64_t>& tokens) override;

    // What every step observes (cross-attentions for the per-token traces); set before start().
    BlipTextRunOptions stepOptions;
    // The output of the step whose logits were returned last.
    const BlipTextOutput& lastOutput() const { return last_; }

private:
    std::vector<std::vector<float>> lastLogits() const;

    BlipTextModel decoder_;
    Tensor encoder_;
    transformer::KvCache cache_;
    BlipTextOutput last_;
};

} // namespace loupe::compute
