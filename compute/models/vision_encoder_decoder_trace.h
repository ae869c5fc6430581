// SPDX-License-Identifier: MIT
#pragma once

#include "compute/generate/language_model.h"
#include "compute/models/gpt2_language_model.h"

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace loupe::compute {

// Where the decoder looked and what it almost said for one generated token.
struct TokenTrace
{
    int64_t token = -1;
    int64_t step = 0; // 0: the first new token
    // The model's next-token distribution (softmax of the raw logits, before any decoding processor such
    // as temperature or repetition penalty) at the step that produced the token.
    float probability = 0;
    std::vector<std::pair<int64_t, float>> top; // (id, probability), best first
    // Cross-attention of the position that predicted the token over the encoder tokens (CLS first),
    // [layers][heads][N], as output_attentions returns it for that step.
    std::vector<std::vector<std::vector<float>>> crossAttention;

    // Head average of one layer, or of every layer (layer < 0), over the patch tokens only (CLS dropped),
    // row-major g x g.
    std::vector<float> patchMap(int layer) const;
};

// Wraps the decoder of one image for the decoding loop and records, at every step and for every row, the
// cross-attention of the newest position and the next-token distribution. Rows are told apart by their
// history of tokens, so beam search's reordering needs no bookkeeping from the loop. Any decoder that
// exposes its last step's cross-attentions works (GPT-2 here, BLIP's text decoder in blip_caption_trace.h).
class CrossAttentionRecorder final : public generate::LanguageModel
{
public:
    // The last step's cross-attention probabilities per layer, [rows, heads, positions, encoder tokens].
    using LastCrossAttentions = std::function<const std::vector<Tensor>&()>;
    CrossAttentionRecorder(generate::LanguageModel& model, LastCrossAttentions last, int64_t topK = 5);
    // A GPT-2 decoder with cross-attention; turns its cross-attention output on.
    explicit CrossAttentionRecorder(Gpt2LanguageModel& model, int64_t topK = 5);

    int64_t vocabSize() const override { return model_.vocabSize(); }
    int64_t maxPositions() const override { return model_.maxPositions(); }
    std::vector<std::vector<float>> start(const std::vector<int64_t>& prompt, int64_t rows,
                                          int64_t maxLength) override;
    std::vector<std::vector<float>> next(const std::vector<int64_t>& parents,
                                         const std::vector<int64_t>& tokens) override;

    // One trace per token after the first `promptLength` of `sequence` (a sequence generate returned).
    // Tokens past the last recorded step (padding after EOS) get none.
    std::vector<TokenTrace> traces(const std::vector<int64_t>& sequence, int64_t promptLength) const;

private:
    struct Row
    {
        std::vector<int64_t> history; // new tokens before this step
        std::vector<float> probs;     // [V]
        std::vector<std::vector<std::vector<float>>> cross;
    };
    void record(const std::vector<std::vector<float>>& logits);

    generate::LanguageModel& model_;
    LastCrossAttentions last_;
    int64_t topK_;
    std::vector<std::vector<int64_t>> histories_; // current rows
    std::vector<std::vector<Row>> steps_;
};

} // namespace loupe::compute
