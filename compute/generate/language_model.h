// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <vector>

namespace loupe::compute::generate {

// What the decoding loop needs from a model: next-token logits for a batch of rows that grow one token
// per step. A model keeps its own key/value cache; beam search reorders rows between steps.
class LanguageModel
{
public:
    virtual ~LanguageModel() = default;
    virtual int64_t vocabSize() const = 0;
    // The most tokens (prompt included) one row may hold, or -1 for no limit.
    virtual int64_t maxPositions() const { return -1; }
    // Starts `rows` copies of the prompt, with room for `maxLength` tokens per row; returns the logits of
    // the token after the prompt, [rows][vocab].
    virtual std::vector<std::vector<float>> start(const std::vector<int64_t>& prompt, int64_t rows,
                                                  int64_t maxLength) = 0;
    // Whether startPadded() is implemented: the model takes an attention mask over left padding.
    virtual bool supportsPadding() const { return false; }
    // Starts one row per prompt, each left-padded to the same length: mask[i][j] is 0 at padding and 1
    // at prompt tokens (transformers' attention_mask). Padding must be invisible to every later step and
    // a row's positions count its unmasked tokens only (position_ids = cumsum(mask) - 1), so each row's
    // logits equal those of its prompt alone. Returns the logits after the last column, [rows][vocab].
    virtual std::vector<std::vector<float>> startPadded(const std::vector<std::vector<int64_t>>& padded,
                                                        const std::vector<std::vector<uint8_t>>& mask,
                                                        int64_t maxLength);
    // Row i continues old row parents[i] with tokens[i]; returns the next logits, [rows][vocab].
    virtual std::vector<std::vector<float>> next(const std::vector<int64_t>& parents,
                                                 const std::vector<int64_t>& tokens) = 0;
};

} // namespace loupe::compute::generate
