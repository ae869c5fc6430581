// SPDX-License-Identifier: MIT
#include "compute/models/transformer/kv_cache.h"

#include "compute/error.h"

#include <cstring>

namespace loupe::compute::transformer {

KvCache::KvCache(int64_t layers, int64_t batch, int64_t heads, int64_t capacity, int64_t headDim)
    : batch_(batch), heads_(heads), capacity_(capacity), headDim_(headDim)
{
    for (int64_t l = 0; l < layers; ++l) {
        keys_.push_back(Tensor::zeros(DType::F32, {batch, heads, capacity, headDim}));
        values_.push_back(Tensor::zeros(DType::F32, {batch, heads, capacity, headDim}));
    }
}

void KvCache::write(int64_t layer, const Tensor& kIn, const Tensor& vIn)
{
    const int64_t n = kIn.size(2);
    if (length_ + n > capacity_)
        throw Error("kv cache", "cannot hold " + std::to_string(length_ + n) + " positions (capacity " +
                                    std::to_string(capacity_) + ")");
    const Tensor k = kIn.contiguous(), v = vIn.contiguous();
    const size_t rowBytes = size_t(n * headDim_) * sizeof(float);
    for (int64_t b = 0; b < batch_; ++b)
        for (int64_t h = 0; h < heads_; ++h) {
            const int64_t src = (b * heads_ + h) * n * headDim_;
            const int64_t dst = ((b * heads_ + h) * capacity_ + length_) * headDim_;
            std::memcpy(keys_[size_t(layer)].ptr<float>() + dst, k.ptr<float>() + src, rowBytes);
            std::memcpy(values_[size_t(layer)].ptr<float>() + dst, v.ptr<float>() + src, rowBytes);
        }
}

void KvCache::advance(int64_t n)
{
    length_ += n;
}

void KvCache::reorder(const std::vector<int64_t>& rows)
{
    if (int64_t(rows.size()) != batch_) throw Error("kv cache", "reorder needs one source row per row");
    bool identity = true;
    for (size_t i = 0; i < rows.size(); ++i)
        identity = identity && rows[i] == int64_t(i);
    if (identity || length_ == 0) return;
    // Only the filled slots move (through a scratch copy); the others keep their finite old values, which
    // a decoder reading rounded-up lengths masks out (never uninitialised memory: 0 x NaN is NaN).
    const int64_t rowFloats = heads_ * capacity_ * headDim_, filled = length_ * headDim_;
    std::vector<float> scratch(size_t(batch_ * heads_ * filled));
    auto permute = [&](Tensor& t) {
        float* base = t.ptr<float>();
        for (int64_t b = 0; b < batch_; ++b)
            for (int64_t h = 0; h < heads_; ++h)
                std::memcpy(scratch.data() + (b * heads_ + h) * filled,
                            base + b * rowFloats + h * capacity_ * headDim_, size_t(filled) * sizeof(float));
        for (int64_t b = 0; b < batch_; ++b)
            for (int64_t h = 0; h < heads_; ++h)
                std::memcpy(base + b * rowFloats + h * capacity_ * headDim_,
                            scratch.data() + (rows[size_t(b)] * heads_ + h) * filled,
                            size_t(filled) * sizeof(float));
    };
    for (Tensor& t : keys_)
        permute(t);
    for (Tensor& t : values_)
        permute(t);
}

size_t KvCache::bytes() const
{
    size_t total = 0;
    for (const Tensor& t : keys_)
        total += 2 * t.nbytes();
    return total;
}

} // namespace loupe::compute::transformer
