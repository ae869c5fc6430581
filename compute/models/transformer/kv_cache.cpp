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
    if (identity) return;
    const int64_t rowFloats = heads_ * capacity_ * headDim_;
    auto permute = [&](std::vector<Tensor>& ts) {
        for (Tensor& t : ts) {
            Tensor next = Tensor::empty(DType::F32, t.shape());
            for (int64_t b = 0; b < batch_; ++b)
                for (int64_t h = 0; h < heads_; ++h) // only the filled positions matter
                    std::memcpy(next.ptr<float>() + b * rowFloats + h * capacity_ * headDim_,
                                t.ptr<float>() + rows[size_t(b)] * rowFloats + h * capacity_ * headDim_,
                                size_t(length_ * headDim_) * sizeof(float));
            t = next;
        }
    };
    permute(keys_);
    permute(values_);
}

size_t KvCache::bytes() const
{
    size_t total = 0;
    for (const Tensor& t : keys_)
        total += 2 * t.nbytes();
    return total;
}

} // namespace loupe::compute::transformer
