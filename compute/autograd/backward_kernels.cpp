// SPDX-License-Identifier: MIT
#include "compute/autograd/backward_kernels.h"

#include "compute/backend/cpu/vmath.h"
#include "compute/threadpool.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

namespace loupe::compute::autograd {

namespace {

// A logical shape with one set of element strides, size-1 dims dropped and dims merged where the
// strides allow (a packed operand always allows), so contiguous tensors become one long row.
struct Layout
{
    Shape shape, strides;
    int64_t rows() const { return shapeNumel(shape) / shape.back(); }
    int64_t inner() const { return shape.back(); }
    int64_t innerStride() const { return strides.back(); }
    int64_t rowOffset(int64_t r) const
    {
        int64_t off = 0;
        for (size_t d = shape.size() - 1; d-- > 0;) {
            off += (r % shape[d]) * strides[d];
            r /= shape[d];
        }
        return off;
    }
};

Layout coalesce(const Shape& shape, const Shape& strides)
{
    Layout l;
    for (size_t d = 0; d < shape.size(); ++d) {
        if (shape[d] == 1) continue;
        if (!l.shape.empty() && l.strides.back() == strides[d] * shape[d]) {
            l.shape.back() *= shape[d];
            l.strides.back() = strides[d];
        } else {
            l.shape.push_back(shape[d]);
            l.strides.push_back(strides[d]);
        }
    }
    if (l.shape.empty()) {
        l.shape = {1};
        l.strides = {1};
    }
    return l;
}

// True when no two logical elements share memory (then rows can be written in parallel).
bool distinctElements(const Layout& l)
{
    std::vector<size_t> order(l.shape.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return l.strides[a] < l.strides[b]; });
    int64_t extent = 1;
    for (size_t i : order) {
        if (l.strides[i] < extent) return false; // includes stride 0 broadcast
        extent = l.strides[i] * l.shape[i];
    }
    return true;
}

// Sum with eight independent lanes (vectorises; float is ample for gradients at 1e-3 tolerance).
inline float dot8(const float* a, const float* b, int64_t n)
{
    float acc[8] = {};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; ++k)
            acc[k] += a[i + k] * b[i + k];
    float s = 0;
    for (; i < n; ++i)
        s += a[i] * b[i];
    for (float v : acc)
        s += v;
    return s;
}

inline float sum8(const float* a, int64_t n)
{
    float acc[8] = {};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; ++k)
            acc[k] += a[i + k];
    float s = 0;
    for (; i < n; ++i)
        s += a[i];
    for (float v : acc)
        s += v;
    return s;
}

constexpr float kA = -0.75f; // as cpu::bicubic (PyTorch)

inline void cubicWeights(float t, float w[4])
{
    auto c1 = [](float x) { return ((kA + 2) * x - (kA + 3)) * x * x + 1; };
    auto c2 = [](float x) { return ((kA * x - 5 * kA) * x + 8 * kA) * x - 4 * kA; };
    w[0] = c2(t + 1);
    w[1] = c1(t);
    w[2] = c1(1 - t);
    w[3] = c2(2 - t);
}

} // namespace

void accumulate(float* dst, const Shape& shape, const Shape& dstStrides, const float* src, float sign)
{
    const int64_t n = shapeNumel(shape);
    if (n == 0) return;
    const Layout l = coalesce(shape, dstStrides);
    const int64_t inner = l.inner(), ds = l.innerStride();
    auto rowsFn = [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            float* d = dst + l.rowOffset(r);
            const float* s = src + r * inner;
            if (ds == 1) {
                if (sign == 1.0f)
                    for (int64_t j = 0; j < inner; ++j)
                        d[j] += s[j];
                else
                    for (int64_t j = 0; j < inner; ++j)
                        d[j] += sign * s[j];
            } else {
                for (int64_t j = 0; j < inner; ++j)
                    d[j * ds] += sign * s[j];
            }
        }
    };
    if (distinctElements(l))
        parallelFor(l.rows(), std::max<int64_t>(1, 8192 / inner), rowsFn);
    else
        rowsFn(0, l.rows()); // broadcast or overlapping: entries sum into shared memory
}

void multiplyBroadcast(float* dst, const float* gy, const float* v, const Shape& shape, const Shape& vStrides)
{
    const int64_t n = shapeNumel(shape);
    if (n == 0) return;
    const Layout l = coalesce(shape, vStrides);
    const int64_t inner = l.inner(), vs = l.innerStride();
    parallelFor(l.rows(), std::max<int64_t>(1, 8192 / inner), [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            const float* vr = v + l.rowOffset(r);
            const float* g = gy + r * inner;
            float* o = dst + r * inner;
            if (vs == 1)
                for (int64_t j = 0; j < inner; ++j)
                    o[j] = g[j] * vr[j];
            else
                for (int64_t j = 0; j < inner; ++j)
                    o[j] = g[j] * vr[j * vs];
        }
    });
}

void activationBackward(Activation act, const float* z, const float* gy, float* gz, int64_t n)
{
    constexpr int64_t kChunk = 512;
    const int64_t chunks = (n + kChunk - 1) / kChunk;
    parallelFor(chunks, 8, [&](int64_t c0, int64_t c1) {
        float a[kChunk], b[kChunk];
        for (int64_t c = c0; c < c1; ++c) {
            const int64_t i0 = c * kChunk, m = std::min(kChunk, n - i0);
            const float* x = z + i0;
            const float* g = gy + i0;
            float* o = gz + i0;
            switch (act) {
            case Activation::None:
                std::memcpy(o, g, size_t(m) * sizeof(float));
                break;
            case Activation::GeluErf: {
                const float invSqrt2 = 0.70710678118654752f, invSqrt2Pi = 0.39894228040143268f;
                for (int64_t i = 0; i < m; ++i) {
                    a[i] = x[i] * invSqrt2;
                    b[i] = -0.5f * x[i] * x[i];
                }
                verf(a, a, m);
                vexp(b, b, m);
                for (int64_t i = 0; i < m; ++i)
                    o[i] = g[i] * (0.5f * (1.0f + a[i]) + x[i] * b[i] * invSqrt2Pi);
                break;
            }
            case Activation::GeluTanh: {
                const float k = 0.79788456080286536f, c3 = 0.044715f;
                for (int64_t i = 0; i < m; ++i)
                    a[i] = k * (x[i] + c3 * x[i] * x[i] * x[i]);
                vtanh(a, a, m);
                for (int64_t i = 0; i < m; ++i)
                    o[i] = g[i] * (0.5f * (1.0f + a[i]) +
                                   0.5f * x[i] * (1.0f - a[i] * a[i]) * k * (1.0f + 3.0f * c3 * x[i] * x[i]));
                break;
            }
            case Activation::QuickGelu:
            case Activation::Silu:
            case Activation::Sigmoid: {
                const float s = act == Activation::QuickGelu ? 1.702f : 1.0f;
                for (int64_t i = 0; i < m; ++i)
                    a[i] = -s * x[i];
                vexp(a, a, m);
                for (int64_t i = 0; i < m; ++i) {
                    const float sg = 1.0f / (1.0f + a[i]);
                    o[i] = act == Activation::Sigmoid ? g[i] * sg * (1.0f - sg)
                                                      : g[i] * (sg + s * x[i] * sg * (1.0f - sg));
                }
                break;
            }
            case Activation::Tanh:
                vtanh(x, a, m);
                for (int64_t i = 0; i < m; ++i)
                    o[i] = g[i] * (1.0f - a[i] * a[i]);
                break;
            case Activation::Relu:
                for (int64_t i = 0; i < m; ++i)
                    o[i] = x[i] > 0 ? g[i] : 0.0f;
                break;
            }
        }
    });
}

void softmaxBackward(const float* y, const float* gy, float* gx, int64_t rows, int64_t cols, float scale)
{
    parallelFor(rows, std::max<int64_t>(1, 4096 / std::max<int64_t>(cols, 1)), [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            const float* yr = y + r * cols;
            const float* g = gy + r * cols;
            float* o = gx + r * cols;
            const float dot = dot8(g, yr, cols);
            for (int64_t c = 0; c < cols; ++c)
                o[c] = scale * yr[c] * (g[c] - dot);
        }
    });
}

void layerNormBackward(const float* x, const float* w, const float* gy, float* gx, int64_t rows, int64_t cols,
                       double eps)
{
    parallelFor(rows, std::max<int64_t>(1, 4096 / std::max<int64_t>(cols, 1)), [&](int64_t r0, int64_t r1) {
        std::vector<float> xh(static_cast<size_t>(cols)), gh(static_cast<size_t>(cols));
        for (int64_t r = r0; r < r1; ++r) {
            const float* xr = x + r * cols;
            const float* g = gy + r * cols;
            float* o = gx + r * cols;
            const float mean = sum8(xr, cols) / float(cols);
            for (int64_t c = 0; c < cols; ++c)
                xh[size_t(c)] = xr[c] - mean;
            const float var = dot8(xh.data(), xh.data(), cols) / float(cols);
            const float rstd = float(1.0 / std::sqrt(double(var) + eps));
            for (int64_t c = 0; c < cols; ++c) {
                xh[size_t(c)] *= rstd;
                gh[size_t(c)] = w ? g[c] * w[c] : g[c];
            }
            const float mg = sum8(gh.data(), cols) / float(cols);
            const float mgx = dot8(gh.data(), xh.data(), cols) / float(cols);
            for (int64_t c = 0; c < cols; ++c)
                o[c] = rstd * (gh[size_t(c)] - mg - xh[size_t(c)] * mgx);
        }
    });
}

void concatBackward(const float* gy, const Shape& outShape, int64_t dim, int64_t splitAt, float* ga, float* gb)
{
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < dim; ++d)
        outer *= outShape[size_t(d)];
    for (size_t d = size_t(dim) + 1; d < outShape.size(); ++d)
        inner *= outShape[d];
    const int64_t total = outShape[size_t(dim)], na = splitAt * inner, nb = (total - splitAt) * inner;
    parallelFor(outer, std::max<int64_t>(1, 8192 / std::max<int64_t>(total * inner, 1)),
                [&](int64_t o0, int64_t o1) {
                    for (int64_t o = o0; o < o1; ++o) {
                        const float* src = gy + o * total * inner;
                        if (ga) std::memcpy(ga + o * na, src, size_t(na) * sizeof(float));
                        if (gb) std::memcpy(gb + o * nb, src + na, size_t(nb) * sizeof(float));
                    }
                });
}

void bicubicBackward(const float* gy, float* gx, int64_t planes, int64_t H, int64_t W, int64_t OH, int64_t OW,
                     double scaleH, double scaleW)
{
    // The same source coordinates and taps as the forward kernel, so this is its exact transpose.
    const float sh = scaleH > 0 ? float(1.0 / scaleH) : float(H) / float(OH);
    const float sw = scaleW > 0 ? float(1.0 / scaleW) : float(W) / float(OW);
    std::memset(gx, 0, size_t(planes * H * W) * sizeof(float));
    parallelFor(planes, std::max<int64_t>(1, 4096 / std::max<int64_t>(OH * OW, 1)), [&](int64_t p0, int64_t p1) {
        for (int64_t p = p0; p < p1; ++p) {
            float* dst = gx + p * H * W;
            for (int64_t oy = 0; oy < OH; ++oy) {
                const float ry = sh * (float(oy) + 0.5f) - 0.5f;
                const int64_t iy = int64_t(std::floor(ry));
                float wy[4];
                cubicWeights(ry - float(iy), wy);
                const float* g = gy + (p * OH + oy) * OW;
                for (int64_t ox = 0; ox < OW; ++ox) {
                    const float rx = sw * (float(ox) + 0.5f) - 0.5f;
                    const int64_t ix = int64_t(std::floor(rx));
                    float wx[4];
                    cubicWeights(rx - float(ix), wx);
                    for (int j = 0; j < 4; ++j) {
                        const int64_t yy = std::clamp<int64_t>(iy - 1 + j, 0, H - 1);
                        for (int i = 0; i < 4; ++i)
                            dst[yy * W + std::clamp<int64_t>(ix - 1 + i, 0, W - 1)] += wy[j] * wx[i] * g[ox];
                    }
                }
            }
        }
    });
}

void col2im(const float* gcols, float* gx, int64_t B, int64_t C, int64_t H, int64_t W, int64_t P)
{
    const int64_t gh = H / P, gw = W / P, K = C * P * P;
    if (gh * P != H || gw * P != W) std::memset(gx, 0, size_t(B * C * H * W) * sizeof(float));
    parallelFor(B * gh, std::max<int64_t>(1, 16384 / std::max<int64_t>(gw * K, 1)), [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            const int64_t b = r / gh, py = r % gh;
            for (int64_t pxi = 0; pxi < gw; ++pxi) {
                const float* row = gcols + ((b * gh + py) * gw + pxi) * K;
                for (int64_t c = 0; c < C; ++c)
                    for (int64_t ky = 0; ky < P; ++ky)
                        std::memcpy(gx + ((b * C + c) * H + py * P + ky) * W + pxi * P, row + (c * P + ky) * P,
                                    size_t(P) * sizeof(float));
            }
        }
    });
}

} // namespace loupe::compute::autograd
