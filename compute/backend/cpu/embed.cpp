// SPDX-License-Identifier: MIT
#include "compute/backend/cpu/ops.h"
#include "compute/threadpool.h"

#include <algorithm>
#include <cstring>

namespace loupe::compute::cpu {

namespace {

// Calls fn(srcIndex, dstOffset) for every element of `shape` in row-major order, dstOffset walking
// `dstStrides` from `offset`; rows of the last dim go to fn as one run of `shape.back()` elements.
template <typename Fn> void forEachRow(const Shape& shape, const Shape& dstStrides, int64_t offset, Fn fn)
{
    const size_t nd = shape.size();
    const int64_t cols = nd ? shape.back() : 1;
    const int64_t rows = cols ? shapeNumel(shape) / cols : 0;
    std::vector<int64_t> idx(nd ? nd - 1 : 0, 0);
    int64_t dst = offset;
    for (int64_t r = 0; r < rows; ++r) {
        fn(r * cols, dst, cols);
        for (size_t d = idx.size(); d-- > 0;) {
            dst += dstStrides[d];
            if (++idx[d] < shape[d]) break;
            dst -= dstStrides[d] * shape[d];
            idx[d] = 0;
        }
    }
}

} // namespace

// The views never overlap (Graph::embed checks), so each output element is written at most once.
void embed(const Tensor& out, const Tensor& xIn, const Shape& strides, int64_t offset)
{
    const Tensor x = xIn.contiguous();
    float* o = out.ptr<float>();
    std::memset(o, 0, size_t(out.numel()) * sizeof(float));
    const float* xs = x.ptr<float>();
    const int64_t inner = strides.empty() ? 1 : strides.back();
    forEachRow(x.shape(), strides, offset, [&](int64_t src, int64_t dst, int64_t n) {
        if (inner == 1)
            std::memcpy(o + dst, xs + src, size_t(n) * sizeof(float));
        else
            for (int64_t i = 0; i < n; ++i)
                o[dst + i * inner] = xs[src + i];
    });
}

// Sums x over the dims the output broadcasts: x read in order, each element added into the output
// element it broadcasts from (output strides 0 along reduced dims). Serial: the reduced dims alias.
void sumTo(const Tensor& out, const Tensor& xIn)
{
    const Tensor x = xIn.contiguous();
    const Shape& sx = x.shape();
    const Shape& so = out.shape();
    Shape strides(sx.size(), 0);
    const Shape packed = contiguousStrides(so);
    const size_t lead = sx.size() - so.size();
    for (size_t i = 0; i < so.size(); ++i)
        strides[lead + i] = so[i] == 1 ? 0 : packed[i];
    float* o = out.ptr<float>();
    std::memset(o, 0, size_t(out.numel()) * sizeof(float));
    const float* xs = x.ptr<float>();
    const int64_t inner = strides.empty() ? 1 : strides.back();
    forEachRow(sx, strides, 0, [&](int64_t src, int64_t dst, int64_t n) {
        if (inner == 0) {
            double acc = 0;
            for (int64_t i = 0; i < n; ++i)
                acc += xs[src + i];
            o[dst] += float(acc);
        } else {
            for (int64_t i = 0; i < n; ++i)
                o[dst + i] += xs[src + i];
        }
    });
}

} // namespace loupe::compute::cpu
