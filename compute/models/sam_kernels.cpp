// SPDX-License-Identifier: MIT
#include "compute/models/sam_kernels.h"

#include "compute/backend/cpu/ops.h"
#include "compute/backend/cpu/vmath.h"
#include "compute/error.h"
#include "compute/gemm/gemm.h"
#include "compute/models/sam_attention.h"
#include "compute/threadpool.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace loupe::compute::sam {

Tensor linear(const Tensor& xIn, const LinearWeight& w, const Tensor& bias, Activation act,
              const Tensor* residual)
{
    const int64_t n = w.packed ? w.packed->rows() : w.w.size(0);
    Shape shape = xIn.shape();
    shape.back() = n;
    Tensor out = Tensor::empty(DType::F32, shape);
    linearInto(out, xIn, w, bias, act, residual);
    return out;
}

void linearInto(const Tensor& out, const Tensor& xIn, const LinearWeight& w, const Tensor& bias,
                Activation act, const Tensor* residual)
{
    const Tensor x = xIn.contiguous();
    const int64_t n = w.packed ? w.packed->rows() : w.w.size(0), rows = x.numel() / x.shape().back();
    if (out.numel() != rows * n)
        throw Error("sam",
                    "linear: the output does not hold " + std::to_string(rows) + " x " + std::to_string(n));
    cpu::linear(out, x.reshape({rows, x.shape().back()}), w.w,
                bias.defined() && bias.numel() ? &bias : nullptr, act, residual, w.packed.get());
}

Tensor layerNorm(const Tensor& x, const Tensor& w, const Tensor& b, double eps)
{
    Tensor out = Tensor::empty(DType::F32, x.shape());
    cpu::layerNorm(out, x, w, b, float(eps));
    return out;
}

Tensor activation(const Tensor& x, Activation act)
{
    Tensor out = Tensor::empty(DType::F32, x.shape());
    cpu::activation(out, x, act);
    return out;
}

Tensor add(const Tensor& a, const Tensor& b)
{
    Tensor out = Tensor::empty(DType::F32, a.shape());
    cpu::binary(Op::Add, out, a, b);
    return out;
}

// [g*g, C] -> [windows, S*S, C], the grid padded to a multiple of S (window_partition) with `fill` (C
// values: the row a zero token becomes; null for zeros).
void windowPartition(const Tensor& out, const Tensor& x, int64_t g, int64_t S, const float* fill)
{
    const int64_t C = x.shape().back(), n = (g + S - 1) / S, side = n * S;
    float* o = out.ptr<float>();
    const float* in = x.ptr<float>();
    parallelFor(side, 4, [&](int64_t y0, int64_t y1) {
        for (int64_t y = y0; y < y1; ++y)
            for (int64_t x0 = 0; x0 < side; ++x0) {
                float* dst = o + (((y / S) * n + x0 / S) * S * S + (y % S) * S + x0 % S) * C;
                if (y < g && x0 < g)
                    std::memcpy(dst, in + (y * g + x0) * C, size_t(C) * sizeof(float));
                else if (fill)
                    std::memcpy(dst, fill, size_t(C) * sizeof(float));
                else
                    std::fill(dst, dst + C, 0.f);
            }
    });
}

// The inverse, dropping the padding (window_unpartition): [windows, S*S, D] -> [g*g, D].
void windowUnpartition(const Tensor& out, const Tensor& w, int64_t g, int64_t S)
{
    const int64_t D = w.shape().back(), n = (g + S - 1) / S;
    parallelFor(g, 4, [&](int64_t y0, int64_t y1) {
        for (int64_t y = y0; y < y1; ++y)
            for (int64_t x0 = 0; x0 < g; ++x0) {
                const int64_t win = (y / S) * n + x0 / S, t = (y % S) * S + x0 % S;
                std::memcpy(out.ptr<float>() + (y * g + x0) * D, w.ptr<float>() + (win * S * S + t) * D,
                            size_t(D) * sizeof(float));
            }
    });
}

Tensor relativePositions(const Tensor& tableIn, int64_t size)
{
    const Tensor table = tableIn.contiguous();
    const int64_t L = table.size(0), C = table.size(1), n = 2 * size - 1;
    // F.interpolate(mode="linear", align_corners=False) along the rows; the identity when L == n.
    std::vector<float> resized(size_t(n * C));
    const float* t = table.ptr<float>();
    const float scale = float(L) / float(n);
    for (int64_t i = 0; i < n; ++i) {
        const float src = std::max(scale * (float(i) + 0.5f) - 0.5f, 0.f);
        const int64_t i0 = std::min<int64_t>(int64_t(src), L - 1);
        const int64_t i1 = i0 < L - 1 ? i0 + 1 : i0;
        const float l1 = src - float(i0), l0 = 1.f - l1;
        for (int64_t c = 0; c < C; ++c)
            resized[size_t(i * C + c)] = l0 * t[i0 * C + c] + l1 * t[i1 * C + c];
    }
    Tensor out = Tensor::empty(DType::F32, {size, size, C});
    float* o = out.ptr<float>();
    for (int64_t q = 0; q < size; ++q)
        for (int64_t k = 0; k < size; ++k)
            std::memcpy(o + (q * size + k) * C, resized.data() + (q - k + size - 1) * C,
                        size_t(C) * sizeof(float));
    return out;
}

namespace {

// scale * row + rh[ky] + rw[kx] followed by a softmax, in place over one query's T = S*S scores.
void relPosSoftmaxRow(float* row, const float* rh, const float* rw, int64_t side, float scale)
{
    const int64_t T = side * side;
    for (int64_t ky = 0; ky < side; ++ky) {
        float* r = row + ky * side;
        for (int64_t kx = 0; kx < side; ++kx)
            r[kx] = r[kx] * scale + rh[ky] + rw[kx];
    }
    const float mx = vmax(row, T);
    vexpShifted(row, row, T, 1.f, mx);
    vscale(row, T, 1.f / vsum(row, T));
}

// The relative-position terms of one head as two batched GEMMs (instead of scalar dot products per row):
//   relH[b, y, x, ky] = q[b, y, x] . tableH[y, ky]   (batched over windows and query rows y)
//   relW[b, x, y, kx] = q[b, y, x] . tableW[x, kx]   (batched over windows and query columns x)
void relativeTerms(const float* q, int64_t D3, int64_t windows, int64_t side, int64_t hd, const float* tableH,
                   const float* tableW, float* relH, float* relW)
{
    const int64_t T = side * side;
    GemmProblem h;
    h.batch[0] = windows, h.batch[1] = side;
    h.M = side, h.N = side, h.K = hd;
    h.a = q, h.aRow = D3, h.aCol = 1, h.aBatch[0] = T * D3, h.aBatch[1] = side * D3;
    h.b = tableH, h.bRow = 1, h.bCol = hd, h.bBatch[0] = 0, h.bBatch[1] = side * hd;
    h.c = relH, h.cRow = side, h.cBatch[0] = T * side, h.cBatch[1] = side * side;
    gemm(h);
    GemmProblem w = h;
    w.a = q, w.aRow = side * D3, w.aBatch[1] = D3;
    w.b = tableW;
    w.c = relW;
    gemm(w);
}

} // namespace

Tensor windowAttention(const Tensor& qkv, int64_t windows, int64_t side, int64_t heads, const Tensor& relH,
                       const Tensor& relW)
{
    Tensor ctx = Tensor::empty(DType::F32, {windows, side * side, qkv.shape().back() / 3});
    windowAttentionInto(ctx, qkv, windows, side, heads, relH, relW);
    return ctx;
}

void windowAttentionInto(const Tensor& ctx, const Tensor& qkvIn, int64_t windows, int64_t side, int64_t heads,
                         const Tensor& relH, const Tensor& relW, std::vector<float>* workspace)
{
    const Tensor qkv = qkvIn.contiguous();
    const int64_t T = side * side, D3 = qkv.shape().back(), D = D3 / 3, hd = D / heads;
    if (qkv.numel() != windows * T * D3) throw Error("sam", "windowAttention: qkv does not hold the windows");
    if (ctx.numel() != windows * T * D)
        throw Error("sam", "windowAttention: the output does not hold the windows");
    const bool rel = relH.defined() && relH.numel();
    const float scale = 1.f / std::sqrt(float(hd));
    if (fusedWindowAttention(qkv.ptr<float>(), windows, side, heads, D,
                             rel ? relH.contiguous().ptr<float>() : nullptr,
                             rel ? relW.contiguous().ptr<float>() : nullptr, ctx.ptr<float>(), workspace))
        return;
    // One head at a time keeps the score buffer at windows * T * T (64 MB for a 64 x 64 global layer).
    std::vector<float> scores(size_t(windows * T * T));
    std::vector<float> rh(rel ? size_t(windows * T * side) : 0), rw(rh.size());
    const float* base = qkv.ptr<float>();
    for (int64_t h = 0; h < heads; ++h) {
        GemmProblem s;
        s.batch[1] = windows;
        s.M = T, s.N = T, s.K = hd;
        s.a = base + h * hd, s.aRow = D3, s.aCol = 1, s.aBatch[1] = T * D3;
        s.b = base + D + h * hd, s.bRow = 1, s.bCol = D3, s.bBatch[1] = T * D3;
        s.c = scores.data(), s.cRow = T, s.cBatch[1] = T * T;
        gemm(s);
        if (rel)
            relativeTerms(base + h * hd, D3, windows, side, hd, relH.ptr<float>(), relW.ptr<float>(),
                          rh.data(), rw.data());
        parallelFor(windows * T, 16, [&](int64_t r0, int64_t r1) {
            for (int64_t r = r0; r < r1; ++r) {
                float* row = scores.data() + r * T;
                const int64_t b = r / T, t = r % T, y = t / side, x = t % side;
                if (rel) {
                    relPosSoftmaxRow(row, rh.data() + ((b * side + y) * side + x) * side,
                                     rw.data() + ((b * side + x) * side + y) * side, side, scale);
                } else {
                    const float mx = vmax(row, T);
                    vexpShifted(row, row, T, scale, mx * scale);
                    vscale(row, T, 1.f / vsum(row, T));
                }
            }
        });
        GemmProblem c;
        c.batch[1] = windows;
        c.M = T, c.N = hd, c.K = T;
        c.a = scores.data(), c.aRow = T, c.aCol = 1, c.aBatch[1] = T * T;
        c.b = base + 2 * D + h * hd, c.bRow = D3, c.bCol = 1, c.bBatch[1] = T * D3;
        c.c = ctx.ptr<float>() + h * hd, c.cRow = D, c.cBatch[1] = T * D;
        gemm(c);
    }
}

Tensor attention(const Tensor& qIn, const Tensor& kIn, const Tensor& vIn, int64_t heads)
{
    const Tensor q = qIn.contiguous(), k = kIn.contiguous(), v = vIn.contiguous();
    const int64_t Nq = q.size(0), Nk = k.size(0), D = q.size(1), hd = D / heads;
    const float scale = 1.f / std::sqrt(float(hd));
    Tensor out = Tensor::empty(DType::F32, {Nq, D});
    std::vector<float> scores(size_t(Nq * Nk));
    for (int64_t h = 0; h < heads; ++h) {
        GemmProblem s;
        s.M = Nq, s.N = Nk, s.K = hd;
        s.a = q.ptr<float>() + h * hd, s.aRow = D, s.aCol = 1;
        s.b = k.ptr<float>() + h * hd, s.bRow = 1, s.bCol = D;
        s.c = scores.data(), s.cRow = Nk;
        gemm(s);
        parallelFor(Nq, 64, [&](int64_t r0, int64_t r1) {
            for (int64_t r = r0; r < r1; ++r) {
                float* row = scores.data() + r * Nk;
                const float mx = vmax(row, Nk);
                vexpShifted(row, row, Nk, scale, mx * scale);
                vscale(row, Nk, 1.f / vsum(row, Nk));
            }
        });
        GemmProblem c;
        c.M = Nq, c.N = hd, c.K = Nk;
        c.a = scores.data(), c.aRow = Nk, c.aCol = 1;
        c.b = v.ptr<float>() + h * hd, c.bRow = D, c.bCol = 1;
        c.c = out.ptr<float>() + h * hd, c.cRow = D;
        gemm(c);
    }
    return out;
}

LinearWeight transposedConvWeight(const Tensor& wIn)
{
    const Tensor w = wIn.contiguous(); // [Cin, Cout, 2, 2]
    const int64_t cin = w.size(0), cout = w.size(1);
    Tensor r = Tensor::empty(DType::F32, {4 * cout, cin});
    for (int64_t dy = 0; dy < 2; ++dy)
        for (int64_t dx = 0; dx < 2; ++dx)
            for (int64_t co = 0; co < cout; ++co)
                for (int64_t ci = 0; ci < cin; ++ci)
                    r.ptr<float>()[((dy * 2 + dx) * cout + co) * cin + ci] =
                        w.ptr<float>()[((ci * cout + co) * 2 + dy) * 2 + dx];
    return transformer::makeLinearWeight(r);
}

Tensor convTranspose2x2(const Tensor& x, const LinearWeight& w, const Tensor& biasIn)
{
    const int64_t H = x.size(0), W = x.size(1);
    const Tensor y = linear(x, w, Tensor()); // [H, W, (dy, dx, cout)]
    const int64_t cout = y.size(2) / 4;
    const Tensor bias = biasIn.contiguous();
    Tensor out = Tensor::empty(DType::F32, {2 * H, 2 * W, cout});
    parallelFor(H, 1, [&](int64_t y0, int64_t y1) {
        for (int64_t iy = y0; iy < y1; ++iy)
            for (int64_t ix = 0; ix < W; ++ix)
                for (int64_t dy = 0; dy < 2; ++dy)
                    for (int64_t dx = 0; dx < 2; ++dx) {
                        const float* src = y.ptr<float>() + ((iy * W + ix) * 4 + dy * 2 + dx) * cout;
                        float* dst = out.ptr<float>() + ((2 * iy + dy) * 2 * W + 2 * ix + dx) * cout;
                        for (int64_t c = 0; c < cout; ++c)
                            dst[c] = src[c] + bias.ptr<float>()[c];
                    }
    });
    return out;
}

LinearWeight convWeight(const Tensor& wIn)
{
    const Tensor w = wIn.contiguous(); // [Cout, Cin, k, k]
    const int64_t cout = w.size(0), cin = w.size(1), k = w.size(2);
    Tensor r = Tensor::empty(DType::F32, {cout, k * k * cin});
    for (int64_t co = 0; co < cout; ++co)
        for (int64_t ky = 0; ky < k; ++ky)
            for (int64_t kx = 0; kx < k; ++kx)
                for (int64_t ci = 0; ci < cin; ++ci)
                    r.ptr<float>()[co * k * k * cin + (ky * k + kx) * cin + ci] =
                        w.ptr<float>()[((co * cin + ci) * k + ky) * k + kx];
    return transformer::makeLinearWeight(r);
}

Tensor conv2d(const Tensor& xIn, const LinearWeight& w, const Tensor& bias, int64_t k, int64_t stride,
              int64_t pad)
{
    const Tensor x = xIn.contiguous();
    const int64_t H = x.size(0), W = x.size(1), C = x.size(2);
    const int64_t Ho = (H + 2 * pad - k) / stride + 1, Wo = (W + 2 * pad - k) / stride + 1;
    Tensor cols = Tensor::empty(DType::F32, {Ho, Wo, k * k * C});
    parallelFor(Ho, 1, [&](int64_t y0, int64_t y1) {
        for (int64_t oy = y0; oy < y1; ++oy)
            for (int64_t ox = 0; ox < Wo; ++ox) {
                float* dst = cols.ptr<float>() + (oy * Wo + ox) * k * k * C;
                for (int64_t ky = 0; ky < k; ++ky)
                    for (int64_t kx = 0; kx < k; ++kx, dst += C) {
                        const int64_t iy = oy * stride + ky - pad, ix = ox * stride + kx - pad;
                        if (iy < 0 || iy >= H || ix < 0 || ix >= W)
                            std::fill(dst, dst + C, 0.f);
                        else
                            std::memcpy(dst, x.ptr<float>() + (iy * W + ix) * C, size_t(C) * sizeof(float));
                    }
            }
    });
    return linear(cols, w, bias);
}

} // namespace loupe::compute::sam
