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
    // Row i continues old row parents[i] with tokens[i]; returns the next logits, [rows][vocab].
    virtual std::vector<std::vector<float>> next(const std::vector<int64_t>& parents,
                                                 const std::vector<int64_t>& tokens) = 0;
};

} // namespace loupe::compute::generate
