// SPDX-License-Identifier: MIT
#include "compute/models/sam_attention.h"

#include "compute/cpu_options.h"
#include "compute/threadpool.h"

#include <algorithm>
#include <cmath>
#include <immintrin.h>
#include <memory>
#include <omp.h>
#include <vector>

// GCC 12's AVX-512 min/max intrinsics start from _mm512_undefined_ps() and trip -Wmaybe-uninitialized.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

// The engine is built for x86-64-v3; these kernels are compiled for AVX-512 on their own and only run
// after a CPUID check.
#define LOUPE_AVX512 __attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma")))

namespace loupe::compute::sam {

namespace {

constexpr int kRows = 6;                  // register tile: 6 rows x up to 4 vectors of 16 = 24 accumulators
constexpr int kVectors = 4;               //
constexpr int64_t kPanel = 16 * kVectors; // keys per panel of packed K^T: one register tile wide
constexpr int64_t kKeyChunk = 128;        // rows of V per P V step (32 KB at head size 64: stays in L1)
constexpr int64_t kScoreBytes = 1024 * 1024; // one block's scores stay in a core's L2 (2 MB on Xeons)

int64_t roundUp16(int64_t n)
{
    return (n + 15) / 16 * 16;
}

// C[M x 16 NV] = (C +) A[M x K] B[K x 16 NV], the result optionally scaled per row as it is stored.
// A is read by broadcast (any row stride), B by rows of 16-float vectors.
template <int M, int NV, bool Accumulate>
LOUPE_AVX512 void tile(const float* a, int64_t lda, const float* b, int64_t ldb, int64_t K, float* c,
                       int64_t ldc, const float* rowScale)
{
    __m512 acc[M][NV];
#pragma GCC unroll 8
    for (int m = 0; m < M; ++m)
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v)
            acc[m][v] = Accumulate ? _mm512_loadu_ps(c + m * ldc + 16 * v) : _mm512_setzero_ps();
    for (int64_t k = 0; k < K; ++k) {
        __m512 bv[NV];
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v)
            bv[v] = _mm512_loadu_ps(b + k * ldb + 16 * v);
#pragma GCC unroll 8
        for (int m = 0; m < M; ++m) {
            const __m512 av = _mm512_set1_ps(a[m * lda + k]);
#pragma GCC unroll 4
            for (int v = 0; v < NV; ++v)
                acc[m][v] = _mm512_fmadd_ps(av, bv[v], acc[m][v]);
        }
    }
#pragma GCC unroll 8
    for (int m = 0; m < M; ++m) {
        const __m512 s = _mm512_set1_ps(rowScale ? rowScale[m] : 1.f);
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v)
            _mm512_storeu_ps(c + m * ldc + 16 * v, rowScale ? _mm512_mul_ps(acc[m][v], s) : acc[m][v]);
    }
}

using TileFn = void (*)(const float*, int64_t, const float*, int64_t, int64_t, float*, int64_t, const float*);

template <bool Accumulate, int M> constexpr TileFn pick(int nv)
{
    return nv == 1   ? tile<M, 1, Accumulate>
           : nv == 2 ? tile<M, 2, Accumulate>
           : nv == 3 ? tile<M, 3, Accumulate>
                     : tile<M, 4, Accumulate>;
}

template <bool Accumulate> TileFn tileFor(int m, int nv)
{
    switch (m) {
    case 1:
        return pick<Accumulate, 1>(nv);
    case 2:
        return pick<Accumulate, 2>(nv);
    case 3:
        return pick<Accumulate, 3>(nv);
    case 4:
        return pick<Accumulate, 4>(nv);
    case 5:
        return pick<Accumulate, 5>(nv);
    default:
        return pick<Accumulate, 6>(nv);
    }
}

// C[M x 16 NV] = (C +) A B over register tiles; column tiles outermost so a tile of B stays in L1 while
// every row group of A passes over it.
void gemmRows(bool accumulate, int64_t M, int64_t NV, const float* a, int64_t lda, const float* b,
              int64_t ldb, int64_t K, float* c, int64_t ldc, const float* rowScale = nullptr)
{
    for (int64_t n0 = 0; n0 < NV; n0 += kVectors) {
        const int nv = int(std::min<int64_t>(kVectors, NV - n0));
        for (int64_t m0 = 0; m0 < M; m0 += kRows) {
            const int mr = int(std::min<int64_t>(kRows, M - m0));
            const TileFn f = accumulate ? tileFor<true>(mr, nv) : tileFor<false>(mr, nv);
            f(a + m0 * lda, lda, b + 16 * n0, ldb, K, c + m0 * ldc + 16 * n0, ldc,
              rowScale ? rowScale + m0 : nullptr);
        }
    }
}

// Horizontal reductions by a store: GCC 12's _mm512_reduce_* trip -Wmaybe-uninitialized in its own headers.
LOUPE_AVX512 inline float lanesMax(__m512 v)
{
    alignas(64) float l[16];
    _mm512_store_ps(l, v);
    return *std::max_element(l, l + 16);
}

LOUPE_AVX512 inline float lanesSum(__m512 v)
{
    alignas(64) float l[16];
    _mm512_store_ps(l, v);
    float s = 0;
    for (float x : l)
        s += x;
    return s;
}

// exp(x) for 16 lanes, x <= 0: x = n ln2 + r, exp(r) by the Cephes polynomial (as vmath's AVX2 exp8).
LOUPE_AVX512 inline __m512 exp16(__m512 x)
{
    // Arguments are <= 0 here (scores minus their row's max); the floor keeps -inf from becoming NaN.
    x = _mm512_max_ps(x, _mm512_set1_ps(-87.3f));
    const __m512 fx = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                           _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(fx, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(fx, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 y = _mm512_set1_ps(1.9875691500E-4f);
    y = _mm512_fmadd_ps(y, r, _mm512_set1_ps(1.3981999507E-3f));
    y = _mm512_fmadd_ps(y, r, _mm512_set1_ps(8.3334519073E-3f));
    y = _mm512_fmadd_ps(y, r, _mm512_set1_ps(4.1665795894E-2f));
    y = _mm512_fmadd_ps(y, r, _mm512_set1_ps(1.6666665459E-1f));
    y = _mm512_fmadd_ps(y, r, _mm512_set1_ps(5.0000001201E-1f));
    y = _mm512_fmadd_ps(y, _mm512_mul_ps(r, r), r);
    y = _mm512_add_ps(y, _mm512_set1_ps(1.f));
    return _mm512_scalef_ps(y, fx); // y * 2^fx
}

// One query row of T = side*side scores in place: v = scale*s + rh[ky] + rw[kx], then exp(v - max v).
// rh/rw null: no relative terms. Returns the sum of the exponentials.
LOUPE_AVX512 float softmaxRow(float* s, const float* rh, const float* rw, int64_t side, float scale)
{
    const __m512 vs = _mm512_set1_ps(scale);
    __m512 vmax = _mm512_set1_ps(-INFINITY);
    for (int64_t ky = 0; ky < side; ++ky) {
        const __m512 h = _mm512_set1_ps(rh ? rh[ky] : 0.f);
        float* row = s + ky * side;
        for (int64_t kx = 0; kx < side; kx += 16) {
            const __mmask16 m = kx + 16 <= side ? __mmask16(0xffff) : __mmask16((1u << (side - kx)) - 1);
            const __m512 w = rw ? _mm512_maskz_loadu_ps(m, rw + kx) : _mm512_setzero_ps();
            const __m512 v = _mm512_add_ps(_mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, row + kx), vs, h), w);
            _mm512_mask_storeu_ps(row + kx, m, v);
            vmax = _mm512_mask_max_ps(vmax, m, vmax, v);
        }
    }
    const __m512 mx = _mm512_set1_ps(lanesMax(vmax));
    __m512 vsum = _mm512_setzero_ps();
    const int64_t T = side * side;
    for (int64_t j = 0; j < T; j += 16) {
        const __mmask16 m = j + 16 <= T ? __mmask16(0xffff) : __mmask16((1u << (T - j)) - 1);
        const __m512 e = exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, s + j), mx));
        _mm512_mask_storeu_ps(s + j, m, e);
        vsum = _mm512_mask_add_ps(vsum, m, vsum, e);
    }
    return lanesSum(vsum);
}

// A relative-position table [side(q), side(k), hd] as [side(q), hd, sp]: for each query coordinate a
// K x N operand whose columns are the key coordinates (zero-padded to sp, a multiple of 16).
std::unique_ptr<float[]> transposeTable(const float* t, int64_t side, int64_t hd, int64_t sp)
{
    std::unique_ptr<float[]> out(new float[size_t(side * hd * sp)]());
    for (int64_t q = 0; q < side; ++q)
        for (int64_t k = 0; k < side; ++k)
            for (int64_t d = 0; d < hd; ++d)
                out[size_t((q * hd + d) * sp + k)] = t[(q * side + k) * hd + d];
    return out;
}

// Runs fn(task) for every task in [0, n) on the configured threads, tasks handed out one at a time so
// a thread slowed by another process does not hold up a fixed half of the work.
template <typename Fn> void forTasks(int64_t n, const Fn& fn)
{
    const int threads = int(std::min<int64_t>(activeThreadCount(), n));
    if (threads <= 1) {
        for (int64_t i = 0; i < n; ++i)
            fn(i);
        return;
    }
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (int64_t i = 0; i < n; ++i)
        fn(i);
}

} // namespace

bool fusedWindowAttention(const float* qkv, int64_t windows, int64_t side, int64_t heads, int64_t D,
                          const float* relH, const float* relW, float* ctx, std::vector<float>* workspace)
{
    static const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
    const CpuOptions& o = cpuOptions();
    const int64_t hd = D / heads;
    if (!avx512 || !o.fusion || !o.fastMath || o.naiveGemm || hd % 16 || hd * heads != D) return false;
    const bool rel = relH && relW;
    // Score rows are one vector longer than the keys: with a power-of-two stride the six rows a register
    // tile stores (or P V broadcasts from) would share a few cache sets.
    const int64_t ldS = roundUp16(side * side) + 16;
    const int64_t T = side * side, Tp = roundUp16(T), sp = roundUp16(side), D3 = 3 * D,
                  pairs = windows * heads;
    const float scale = 1.f / std::sqrt(float(hd));

    // Per (window, head): K transposed in panels of 64 keys, [panels, hd, 64] (zero-padded keys: a
    // register tile's 64 rows of B are then 16 contiguous KB, not 64 pages), V packed [T, hd], and
    // the relative terms rh[i][ky] = q_i . relH[qy][ky], rw[i][kx] = q_i . relW[qx][kx] [T, sp], each a
    // GEMM over the rows sharing a query coordinate.
    const int64_t panels = (T + kPanel - 1) / kPanel;
    const size_t ktSize = size_t(pairs * panels * hd * kPanel), vpSize = size_t(pairs * T * hd),
                 relSize = rel ? size_t(pairs * T * sp) : 0;
    std::vector<float> local;
    std::vector<float>& buffer = workspace ? *workspace : local;
    if (buffer.size() < ktSize + vpSize + 2 * relSize) {
        buffer.clear();
        buffer.shrink_to_fit();
        buffer.resize(ktSize + vpSize + 2 * relSize);
    }
    float* const ktBase = buffer.data();
    float* const vpBase = ktBase + ktSize; // V packed [T, hd]: streams in order
    float* const rhBase = vpBase + vpSize;
    float* const rwBase = rhBase + relSize;
    std::unique_ptr<float[]> th, tw;
    if (rel) {
        th = transposeTable(relH, side, hd, sp);
        tw = transposeTable(relW, side, hd, sp);
    }
    forTasks(pairs, [&](int64_t p) {
        const int64_t b = p / heads, h = p % heads;
        const float* q = qkv + b * T * D3 + h * hd;
        float* k = ktBase + p * panels * hd * kPanel;
        for (int64_t pn = 0; pn < panels; ++pn)
            for (int64_t j0 = pn * kPanel; j0 < (pn + 1) * kPanel; j0 += 16)
                for (int64_t d = 0; d < hd; ++d)
                    for (int64_t j = j0; j < j0 + 16; ++j)
                        k[(pn * hd + d) * kPanel + j - pn * kPanel] = j < T ? q[j * D3 + D + d] : 0.f;
        for (int64_t j = 0; j < T; ++j)
            std::copy_n(q + j * D3 + 2 * D, hd, vpBase + (p * T + j) * hd);
        if (!rel) return;
        float* ph = rhBase + p * T * sp;
        float* pw = rwBase + p * T * sp;
        for (int64_t c = 0; c < side; ++c) {
            gemmRows(false, side, sp / 16, q + c * side * D3, D3, th.get() + c * hd * sp, sp, hd,
                     ph + c * side * sp, sp);
            gemmRows(false, side, sp / 16, q + c * D3, side * D3, tw.get() + c * hd * sp, sp, hd, pw + c * sp,
                     side * sp);
        }
    });

    // Blocks of query rows whose scores fit in L2; a multiple of the register tile's rows.
    const int64_t rowsPerBlock =
        std::min(T, std::max<int64_t>(kRows, kScoreBytes / (ldS * 4) / kRows * kRows));
    const int64_t blocks = (T + rowsPerBlock - 1) / rowsPerBlock;
    const int threads = int(std::max<int64_t>(1, std::min<int64_t>(activeThreadCount(), pairs * blocks)));
    std::vector<std::unique_ptr<float[]>> scratch(static_cast<size_t>(threads));
    forTasks(pairs * blocks, [&](int64_t task) {
        const int me = threads > 1 ? omp_get_thread_num() : 0;
        auto& buf = scratch[size_t(me)];
        if (!buf) buf.reset(new float[size_t(rowsPerBlock * (ldS + 1))]);
        float* s = buf.get();
        float* inv = s + rowsPerBlock * ldS;
        const int64_t p = task / blocks, r0 = task % blocks * rowsPerBlock;
        const int64_t rows = std::min(rowsPerBlock, T - r0);
        const int64_t b = p / heads, h = p % heads;
        const float* q = qkv + (b * T + r0) * D3 + h * hd;
        const float* v = vpBase + p * T * hd;
        float* out = ctx + (b * T + r0) * D + h * hd;
        for (int64_t pn = 0; pn < panels; ++pn)
            gemmRows(false, rows, std::min<int64_t>(kPanel, Tp - pn * kPanel) / 16, q, D3,
                     ktBase + (p * panels + pn) * hd * kPanel, kPanel, hd, s + pn * kPanel, ldS);
        for (int64_t i = 0; i < rows; ++i) {
            const int64_t t = r0 + i;
            const float* ri = rel ? rhBase + (p * T + t) * sp : nullptr;
            const float* wi = rel ? rwBase + (p * T + t) * sp : nullptr;
            inv[i] = 1.f / softmaxRow(s + i * ldS, ri, wi, side, scale);
        }
        for (int64_t k0 = 0; k0 < T; k0 += kKeyChunk) {
            const int64_t kc = std::min(kKeyChunk, T - k0);
            gemmRows(k0 > 0, rows, hd / 16, s + k0, ldS, v + k0 * hd, hd, kc, out, D,
                     k0 + kc >= T ? inv : nullptr);
        }
    });
    return true;
}

} // namespace loupe::compute::sam
