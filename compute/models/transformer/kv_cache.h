// SPDX-License-Identifier: MIT
#pragma once

#include "compute/tensor.h"

#include <vector>

namespace loupe::compute::transformer {

// Self-attention keys and values of every layer, preallocated for `capacity` positions
// ([batch, heads, capacity, head_dim] per layer, bound as graph inputs so a decoding step reads the past
// in place), plus the cross-attention keys/values of an encoder-decoder, computed once per input.
class KvCache
{
public:
    KvCache() = default;
    KvCache(int64_t layers, int64_t batch, int64_t heads, int64_t capacity, int64_t headDim);

    int64_t layers() const { return int64_t(keys_.size()); }
    int64_t batch() const { return batch_; }
    int64_t capacity() const { return capacity_; }
    int64_t length() const { return length_; } // positions filled
    const Tensor& keys(int64_t layer) const { return keys_[size_t(layer)]; }
    const Tensor& values(int64_t layer) const { return values_[size_t(layer)]; }

    // Writes k, v [batch, heads, n, head_dim] of one layer at positions length() .. length()+n-1.
    void write(int64_t layer, const Tensor& k, const Tensor& v);
    // After every layer was written: the n new positions become part of the past.
    void advance(int64_t n);
    // Beam search: row i becomes old row rows[i] (rows.size() == batch()).
    void reorder(const std::vector<int64_t>& rows);
    size_t bytes() const;

    // Cross-attention keys and values per layer ([batch, heads, N_enc, head_dim]); empty when none.
    std::vector<Tensor> crossKeys, crossValues;

private:
    std::vector<Tensor> keys_, values_;
    int64_t batch_ = 0, heads_ = 0, capacity_ = 0, headDim_ = 0, length_ = 0;
};

} // namespace loupe::compute::transformer
