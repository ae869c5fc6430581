// SPDX-License-Identifier: MIT
#pragma once

#include "compute/models/blip_language_model.h"
#include "compute/models/vision_encoder_decoder_trace.h"

#include <cstdint>
#include <vector>

namespace loupe::compute {

// CrossAttentionRecorder for BLIP's text decoder: wraps the decoder of one image for the decoding loop
// and records, at every step and for every row, the cross-attention of the newest position over the image
// embeddings (CLS first, so TokenTrace::patchMap applies unchanged) and the next-token distribution.
// Rows are told apart by their history of tokens, so beam search's reordering needs no bookkeeping.
class BlipCrossAttentionRecorder final : public generate::LanguageModel
{
public:
    explicit BlipCrossAttentionRecorder(BlipTextLanguageModel& model, int64_t topK = 5);

    int64_t vocabSize() const override { return model_.vocabSize(); }
    int64_t maxPositions() const override { return model_.maxPositions(); }
    std::vector<std::vector<float>> start(const std::vector<int64_t>& prompt, int64_t rows,
                                          int64_t maxLength) override;
    std::vector<std::vector<float>> next(const std::vector<int64_t>& parents,
                                         const std::vector<int64_t>& tokens) override;

    // One trace per token after the first `promptLength` of `sequence` (a sequence generate returned).
    // Tokens past the last recorded step (padding after [SEP]) get none.
    std::vector<TokenTrace> traces(const std::vector<int64_t>& sequence, int64_t promptLength) const;

private:
    struct Row
    {
        std::vector<int64_t> history; // new tokens before this step
        std::vector<float> probs;     // [V]
        std::vector<std::vector<std::vector<float>>> cross;
    };
    void record(const std::vector<std::vector<float>>& logits);

    BlipTextLanguageModel& model_;
    int64_t topK_;
    std::vector<std::vector<int64_t>> histories_; // current rows
    std::vector<std::vector<Row>> steps_;
};

} // namespace loupe::compute
