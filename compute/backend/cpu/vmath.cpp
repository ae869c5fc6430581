// SPDX-License-Identifier: MIT
#include "compute/backend/cpu/vmath.h"

#include "compute/cpu_options.h"

#include <algorithm>
#include <cmath>
#include <immintrin.h>

namespace loupe::compute {

namespace {

// exp by range reduction x = n ln2 + r and a degree-6 polynomial for exp(r) (the Cephes coefficients).
inline __m256 exp8(__m256 x)
{
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.3f)), _mm256_set1_ps(88.3f));
    const __m256 fx = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                      _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(fx, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 y = _mm256_set1_ps(1.9875691500E-4f);
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(1.3981999507E-3f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(8.3334519073E-3f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(4.1665795894E-2f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(1.6666665459E-1f));
    y = _mm256_fmadd_ps(y, r, _mm256_set1_ps(5.0000001201E-1f));
    y = _mm256_fmadd_ps(y, _mm256_mul_ps(r, r), r);
    y = _mm256_add_ps(y, _mm256_set1_ps(1.f));
    const __m256i n = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(fx), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(y, _mm256_castsi256_ps(n));
}

// erf through erfc's Chebyshev fit (Numerical Recipes erfcc, fractional error < 1.2e-7).
inline __m256 erf8(__m256 x)
{
    const __m256 signMask = _mm256_set1_ps(-0.f);
    const __m256 sign = _mm256_and_ps(x, signMask);
    const __m256 z = _mm256_andnot_ps(signMask, x);
    const __m256 one = _mm256_set1_ps(1.f);
    const __m256 t = _mm256_div_ps(one, _mm256_fmadd_ps(_mm256_set1_ps(0.5f), z, one));
    __m256 p = _mm256_set1_ps(0.17087277f);
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-0.82215223f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.48851587f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-1.13520398f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.27886807f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-0.18628806f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.09678418f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.37409196f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.00002368f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-1.26551223f));
    p = _mm256_fnmadd_ps(z, z, p);
    const __m256 erfc = _mm256_mul_ps(t, exp8(p));
    return _mm256_or_ps(_mm256_sub_ps(one, erfc), sign);
}

// tanh(x) = sign(x) (1 - 2 / (exp(2|x|) + 1)); |x| is clamped where tanh is 1 in float.
inline __m256 tanh8(__m256 x)
{
    const __m256 signMask = _mm256_set1_ps(-0.f);
    const __m256 sign = _mm256_and_ps(x, signMask);
    const __m256 z = _mm256_min_ps(_mm256_andnot_ps(signMask, x), _mm256_set1_ps(9.f));
    const __m256 e = exp8(_mm256_add_ps(z, z));
    const __m256 one = _mm256_set1_ps(1.f);
    const __m256 r = _mm256_sub_ps(one, _mm256_div_ps(_mm256_set1_ps(2.f), _mm256_add_ps(e, one)));
    return _mm256_or_ps(r, sign);
}

inline __m256 sigmoid8(__m256 x)
{
    const __m256 one = _mm256_set1_ps(1.f);
    return _mm256_div_ps(one, _mm256_add_ps(one, exp8(_mm256_sub_ps(_mm256_setzero_ps(), x))));
}

inline __m256 act8(Activation a, __m256 x)
{
    const __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.f);
    switch (a) {
    case Activation::GeluErf:
        return _mm256_mul_ps(
            _mm256_mul_ps(half, x),
            _mm256_add_ps(one, erf8(_mm256_mul_ps(x, _mm256_set1_ps(0.70710678118654752f)))));
    case Activation::GeluTanh: {
        const __m256 inner = _mm256_mul_ps(
            _mm256_set1_ps(0.7978845608028654f),
            _mm256_fmadd_ps(_mm256_mul_ps(_mm256_set1_ps(0.044715f), x), _mm256_mul_ps(x, x), x));
        return _mm256_mul_ps(_mm256_mul_ps(half, x), _mm256_add_ps(one, tanh8(inner)));
    }
    case Activation::QuickGelu:
        return _mm256_mul_ps(x, sigmoid8(_mm256_mul_ps(_mm256_set1_ps(1.702f), x)));
    case Activation::Relu:
        return _mm256_max_ps(x, _mm256_setzero_ps());
    case Activation::Silu:
        return _mm256_mul_ps(x, sigmoid8(x));
    case Activation::Tanh:
        return tanh8(x);
    case Activation::Sigmoid:
        return sigmoid8(x);
    case Activation::None:
        return x;
    }
    return x;
}

} // namespace

// Scalar definitions, as transformers writes them; also the tails of the vector loops.
float activationScalar(Activation a, float x)
{
    switch (a) {
    case Activation::GeluErf:
        return 0.5f * x * (1.f + std::erf(x * 0.70710678118654752f));
    case Activation::GeluTanh:
        return 0.5f * x * (1.f + std::tanh(0.7978845608028654f * (x + 0.044715f * x * x * x)));
    case Activation::QuickGelu:
        return x / (1.f + std::exp(-1.702f * x));
    case Activation::Relu:
        return x > 0 ? x : 0.f;
    case Activation::Silu:
        return x / (1.f + std::exp(-x));
    case Activation::Tanh:
        return std::tanh(x);
    case Activation::Sigmoid:
        return 1.f / (1.f + std::exp(-x));
    case Activation::None:
        return x;
    }
    return x;
}

void applyActivation(Activation act, const float* x, float* y, int64_t n)
{
    int64_t i = 0;
    if (cpuOptions().fastMath)
        for (; i + 8 <= n; i += 8)
            _mm256_storeu_ps(y + i, act8(act, _mm256_loadu_ps(x + i)));
    for (; i < n; ++i)
        y[i] = activationScalar(act, x[i]);
}

void vexpShifted(const float* x, float* y, int64_t n, float scale, float shift)
{
    int64_t i = 0;
    if (cpuOptions().fastMath) {
        const __m256 s = _mm256_set1_ps(scale), sh = _mm256_set1_ps(shift);
        for (; i + 8 <= n; i += 8)
            _mm256_storeu_ps(y + i, exp8(_mm256_fmsub_ps(_mm256_loadu_ps(x + i), s, sh)));
    }
    for (; i < n; ++i)
        y[i] = std::exp(x[i] * scale - shift);
}

namespace {

inline float hsum(__m256 v)
{
    __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_add_ps(lo, hi);
    lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_add_ss(lo, _mm_movehdup_ps(lo));
    return _mm_cvtss_f32(lo);
}

inline float hmax(__m256 v)
{
    __m128 lo = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    lo = _mm_max_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_max_ss(lo, _mm_movehdup_ps(lo));
    return _mm_cvtss_f32(lo);
}

} // namespace

float vsum(const float* x, int64_t n)
{
    int64_t i = 0;
    float s = 0;
    if (cpuOptions().fastMath && n >= 8) {
        __m256 a = _mm256_setzero_ps();
        for (; i + 8 <= n; i += 8)
            a = _mm256_add_ps(a, _mm256_loadu_ps(x + i));
        s = hsum(a);
    }
    for (; i < n; ++i)
        s += x[i];
    return s;
}

float vmax(const float* x, int64_t n)
{
    int64_t i = 0;
    float m = -INFINITY;
    if (cpuOptions().fastMath && n >= 8) {
        __m256 a = _mm256_set1_ps(-INFINITY);
        for (; i + 8 <= n; i += 8)
            a = _mm256_max_ps(a, _mm256_loadu_ps(x + i));
        m = hmax(a);
    }
    for (; i < n; ++i)
        m = std::max(m, x[i]);
    return m;
}

float vsumSquaredDiff(const float* x, int64_t n, float mean)
{
    int64_t i = 0;
    float s = 0;
    if (cpuOptions().fastMath && n >= 8) {
        __m256 a = _mm256_setzero_ps();
        const __m256 mv = _mm256_set1_ps(mean);
        for (; i + 8 <= n; i += 8) {
            const __m256 d = _mm256_sub_ps(_mm256_loadu_ps(x + i), mv);
            a = _mm256_fmadd_ps(d, d, a);
        }
        s = hsum(a);
    }
    for (; i < n; ++i)
        s += (x[i] - mean) * (x[i] - mean);
    return s;
}

void vscale(float* x, int64_t n, float s)
{
    for (int64_t i = 0; i < n; ++i) // vectorised by the compiler
        x[i] *= s;
}

void vexp(const float* x, float* y, int64_t n)
{
    vexpShifted(x, y, n, 1.f, 0.f);
}

void verf(const float* x, float* y, int64_t n)
{
    int64_t i = 0;
    if (cpuOptions().fastMath)
        for (; i + 8 <= n; i += 8)
            _mm256_storeu_ps(y + i, erf8(_mm256_loadu_ps(x + i)));
    for (; i < n; ++i)
        y[i] = std::erf(x[i]);
}

void vtanh(const float* x, float* y, int64_t n)
{
    int64_t i = 0;
    if (cpuOptions().fastMath)
        for (; i + 8 <= n; i += 8)
            _mm256_storeu_ps(y + i, tanh8(_mm256_loadu_ps(x + i)));
    for (; i < n; ++i)
        y[i] = std::tanh(x[i]);
}

} // namespace loupe::compute
