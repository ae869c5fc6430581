// SPDX-License-Identifier: MIT
#include "compute/backend/cpu/ops.h"
#include "compute/error.h"
#include "compute/threadpool.h"

#include <algorithm>

namespace loupe::compute::cpu {

namespace {

template <typename F>
void rowLoop(float* o, const float* a, int64_t as, const float* b, int64_t bs, int64_t n, F f)
{
    if (as == 1 && bs == 1)
        for (int64_t i = 0; i < n; ++i)
            o[i] = f(a[i], b[i]);
    else if (as == 1 && bs == 0)
        for (int64_t i = 0; i < n; ++i)
            o[i] = f(a[i], b[0]);
    else if (as == 0 && bs == 1)
        for (int64_t i = 0; i < n; ++i)
            o[i] = f(a[0], b[i]);
    else
        for (int64_t i = 0; i < n; ++i)
            o[i] = f(a[i * as], b[i * bs]);
}

// Strides of `t` seen with `out`'s rank, 0 where it broadcasts.
Shape broadcastStrides(const Tensor& t, const Shape& out)
{
    Shape s(out.size(), 0);
    const size_t lead = out.size() - size_t(t.dim());
    for (size_t i = 0; i < size_t(t.dim()); ++i)
        s[lead + i] = t.shape()[i] == 1 ? 0 : t.strides()[i];
    return s;
}

} // namespace

void binary(Op op, const Tensor& out, const Tensor& a, const Tensor& b)
{
    const Shape& shape = out.shape();
    const int64_t nd = out.dim();
    if (nd == 0) {
        const float x = *a.ptr<float>(), y = *b.ptr<float>();
        *out.ptr<float>() = op == Op::Add ? x + y : op == Op::Sub ? x - y : x * y;
        return;
    }
    const Shape sa = broadcastStrides(a, shape), sb = broadcastStrides(b, shape);
    const int64_t inner = shape.back();
    const int64_t rows = out.numel() / std::max<int64_t>(inner, 1);
    parallelFor(rows, std::max<int64_t>(1, 4096 / std::max<int64_t>(inner, 1)), [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            int64_t rem = r, oa = 0, ob = 0;
            for (int64_t d = nd - 2; d >= 0; --d) {
                const int64_t i = rem % shape[size_t(d)];
                rem /= shape[size_t(d)];
                oa += i * sa[size_t(d)];
                ob += i * sb[size_t(d)];
            }
            float* o = out.ptr<float>() + r * inner;
            const float* pa = a.ptr<float>() + oa;
            const float* pb = b.ptr<float>() + ob;
            const int64_t as = sa.back(), bs = sb.back();
            switch (op) {
            case Op::Add:
                rowLoop(o, pa, as, pb, bs, inner, [](float x, float y) { return x + y; });
                break;
            case Op::Sub:
                rowLoop(o, pa, as, pb, bs, inner, [](float x, float y) { return x - y; });
                break;
            case Op::Mul:
                rowLoop(o, pa, as, pb, bs, inner, [](float x, float y) { return x * y; });
                break;
            default:
                throw Error("cpu", std::string("binary: unsupported op ") + opName(op));
            }
        }
    });
}

// `out` may be a strided view too (concat writes into slices of its output).
void copy(const Tensor& out, const Tensor& x)
{
    if (x.dtype() != DType::F32 || out.dtype() != DType::F32 || x.dim() == 0) {
        copyInto(out, x);
        return;
    }
    // A strided gather, rows in parallel; the last dimension is a unit-stride copy in the common case.
    const Shape& shape = out.shape();
    const int64_t nd = out.dim(), inner = shape.back(), is = x.strides().back(), os = out.strides().back();
    const int64_t rows = out.numel() / std::max<int64_t>(inner, 1);
    parallelFor(rows, std::max<int64_t>(1, 4096 / std::max<int64_t>(inner, 1)), [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            int64_t rem = r, ox = 0, oo = 0;
            for (int64_t d = nd - 2; d >= 0; --d) {
                const int64_t i = rem % shape[size_t(d)];
                ox += i * x.strides()[size_t(d)];
                oo += i * out.strides()[size_t(d)];
                rem /= shape[size_t(d)];
            }
            float* o = out.ptr<float>() + oo;
            const float* p = x.ptr<float>() + ox;
            if (os != 1)
                for (int64_t i = 0; i < inner; ++i)
                    o[i * os] = p[i * is];
            else if (is == 1)
                for (int64_t i = 0; i < inner; ++i)
                    o[i] = p[i];
            else
                for (int64_t i = 0; i < inner; ++i)
                    o[i] = p[i * is];
        }
    });
}

} // namespace loupe::compute::cpu
