// SPDX-License-Identifier: MIT
#include "compute/backend/cpu/vmath.h"
#include "compute/cpu_options.h"
#include "compute/gemm/gemm.h"
#include "compute/gemm/gemm_reduced.h"
#include "compute/gemm/onednn_internal.h"
#include "compute/gemm/precision_switches.h"
#include "compute/quantize/int8_scheme.h"
#include "compute/threadpool.h"

#include <algorithm>
#include <cmath>
#include <immintrin.h>
#include <string>
#include <unordered_map>
#include <vector>

namespace loupe::compute {

// Two kernels for int8 weights:
//  - per-channel weights with the VNNI switch on: the activations are quantised per row as they enter
//    (dynamic, symmetric, shifted by 128 to u8 because oneDNN 2.6 runs u8 x s8 on AMX/VNNI but only a
//    slow kernel for s8 x s8), oneDNN multiplies into int32 and the epilogue here removes the shift
//    (128 x the weight's column sums), applies both scales, bias, activation and residual;
//  - group-wise weights, or the switch off: weight-only, each block of rows dequantised to f32 in
//    cache and multiplied with f32 activations, so the activations keep full precision.
namespace {

using dnnl::memory;

float dot(const float* a, const float* b, int64_t n)
{
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
    }
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, _mm256_add_ps(s0, s1));
    float s = 0;
    for (float v : lanes)
        s += v;
    for (; i < n; ++i)
        s += a[i] * b[i];
    return s;
}

// sum over k of q[k] * a[k] for int8 q, widened 8 at a time.
float dotInt8(const int8_t* q, const float* a, int64_t n)
{
    __m256 s0 = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m128i bytes = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(q + i));
        s0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(bytes)), _mm256_loadu_ps(a + i), s0);
    }
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, s0);
    float s = 0;
    for (float v : lanes)
        s += v;
    for (; i < n; ++i)
        s += float(q[i]) * a[i];
    return s;
}

// Weight-only int8: rows dequantised block by block inside the GEMM; for a few rows of A (decoding)
// each group's integer dot product is scaled instead, so no row is ever written out as f32.
class Int8DequantWeight final : public PackedWeight
{
public:
    Int8Weights w;
    int64_t rows() const override { return w.rows; }
    int64_t cols() const override { return w.cols; }
    size_t bytes() const override { return w.q.size() + w.scales.size() * sizeof(float); }
    Precision precision() const override { return Precision::Int8; }
    int64_t groupSize() const override { return w.groupSize; }
    void unpack(float* dst) const override
    {
        dequantizeInt8(w.q.data(), w.scales.data(), w.rows, w.cols, w.groupSize, dst);
    }
    const char* multiply(const GemmProblem& p) const override
    {
        if (p.batch[0] * p.batch[1] != 1) return nullptr;
        constexpr int64_t NB = 8;
        const int64_t K = w.cols, G = w.groupLength(), groups = w.groupsPerRow();
        if (p.M <= 4 && p.aCol == 1) {
            parallelFor(w.rows, 64, [&](int64_t n0, int64_t n1) {
                for (int64_t n = n0; n < n1; ++n) {
                    const int8_t* q = w.q.data() + n * K;
                    const float* s = w.scales.data() + n * groups;
                    for (int64_t m = 0; m < p.M; ++m) {
                        const float* a = p.a + m * p.aRow;
                        float acc = 0;
                        for (int64_t g = 0; g < groups; ++g)
                            acc += s[g] * dotInt8(q + g * G, a + g * G, G);
                        p.c[m * p.cRow + n] = acc;
                    }
                }
            });
            gemmEpilogue(p);
            return "int8_dequant";
        }
        parallelFor((w.rows + NB - 1) / NB, 1, [&](int64_t b0, int64_t b1) {
            std::vector<float> wf(size_t(NB * K)), arow(p.aCol == 1 ? 0 : size_t(K));
            for (int64_t blk = b0; blk < b1; ++blk) {
                const int64_t n0 = blk * NB, nb = std::min(NB, w.rows - n0);
                for (int64_t j = 0; j < nb; ++j) {
                    const int8_t* q = w.q.data() + (n0 + j) * K;
                    const float* s = w.scales.data() + (n0 + j) * groups;
                    float* out = wf.data() + j * K;
                    for (int64_t g = 0; g < groups; ++g)
                        for (int64_t kk = g * G; kk < (g + 1) * G; ++kk)
                            out[kk] = float(q[kk]) * s[g];
                }
                for (int64_t m = 0; m < p.M; ++m) {
                    const float* a = p.a + m * p.aRow;
                    if (p.aCol != 1) {
                        for (int64_t kk = 0; kk < K; ++kk)
                            arow[size_t(kk)] = a[kk * p.aCol];
                        a = arow.data();
                    }
                    for (int64_t j = 0; j < nb; ++j)
                        p.c[m * p.cRow + n0 + j] = dot(a, wf.data() + j * K, K);
                }
            }
        });
        gemmEpilogue(p);
        return "int8_dequant";
    }
};

// Per-channel int8 in oneDNN's u8 x s8 layout.
class Int8VnniWeight final : public PackedWeight
{
public:
    int64_t n = 0, k = 0;
    memory mem;
    std::vector<float> scales;   // [N]
    std::vector<int32_t> colSum; // [N]: sum over k of q[n, k], to undo the activations' +128
    int64_t rows() const override { return n; }
    int64_t cols() const override { return k; }
    size_t bytes() const override
    {
        return mem.get_desc().get_size() + scales.size() * sizeof(float) + colSum.size() * sizeof(int32_t);
    }
    Precision precision() const override { return Precision::Int8; }
    void unpack(float* dst) const override
    {
        std::vector<int8_t> q(size_t(n * k));
        memory plain(memory::desc({k, n}, memory::data_type::s8, memory::dims{1, k}), onednn::engine(),
                     q.data());
        dnnl::stream local(onednn::engine());
        dnnl::reorder(mem, plain).execute(local, const_cast<memory&>(mem), plain);
        local.wait();
        dequantizeInt8(q.data(), scales.data(), n, k, 0, dst);
    }
    const char* multiply(const GemmProblem& p) const override;
};

dnnl::matmul::primitive_desc u8s8Desc(int64_t M, int64_t N, int64_t K, const memory::desc& wei)
{
    const memory::desc src({M, K}, memory::data_type::u8, memory::format_tag::ab);
    const memory::desc dst({M, N}, memory::data_type::s32, memory::format_tag::ab);
    return dnnl::matmul::primitive_desc(dnnl::matmul::desc(src, wei, dst), onednn::engine());
}

const char* Int8VnniWeight::multiply(const GemmProblem& p) const
{
    if (!cpuOptions().useOneDnn || p.batch[0] * p.batch[1] != 1) return nullptr;
    if (p.M == 0) return "onednn_u8s8";
    std::shared_ptr<dnnl::matmul> prim;
    {
        // Shared by every weight of the same shape, as for bf16.
        static std::mutex cacheMutex_;
        static std::unordered_map<std::string, std::shared_ptr<dnnl::matmul>> cache_;
        const std::string key = std::to_string(n) + 'x' + std::to_string(k) + ',' + std::to_string(p.M) +
                                't' + std::to_string(activeThreadCount());
        std::lock_guard lock(cacheMutex_);
        auto it = cache_.find(key);
        if (it == cache_.end()) {
            try {
                auto pd = u8s8Desc(p.M, n, k, mem.get_desc());
                if (!onednn::isReferenceImpl(pd.impl_info_str()) && pd.weights_desc() == mem.get_desc())
                    prim = std::make_shared<dnnl::matmul>(pd);
            } catch (const dnnl::error&) {
            }
            it = cache_.emplace(key, prim).first;
        }
        prim = it->second;
    }
    if (!prim) return nullptr;
    // Dynamic per-row activation scales: each row of A gets its own max |a| / 127.
    thread_local std::vector<uint8_t> qa;
    thread_local std::vector<float> rowScale;
    thread_local std::vector<int32_t> acc;
    qa.resize(size_t(p.M * k));
    rowScale.resize(size_t(p.M));
    acc.resize(size_t(p.M * n));
    // Worker threads have thread_locals of their own: they are handed the caller's buffers.
    uint8_t* qaData = qa.data();
    float* rowScales = rowScale.data();
    int32_t* accData = acc.data();
    parallelFor(p.M, 4, [&](int64_t m0, int64_t m1) {
        for (int64_t m = m0; m < m1; ++m) {
            const float* a = p.a + m * p.aRow;
            float amax = 0;
            for (int64_t kk = 0; kk < k; ++kk)
                amax = std::max(amax, std::fabs(a[kk * p.aCol]));
            const float s = amax > 0 ? amax / 127.f : 1.f, inv = 1.f / s;
            rowScales[m] = s;
            uint8_t* out = qaData + m * k;
            for (int64_t kk = 0; kk < k; ++kk)
                out[kk] = uint8_t(int(std::nearbyint(std::clamp(a[kk * p.aCol] * inv, -127.f, 127.f))) + 128);
        }
    });
    {
        dnnl::engine& eng = onednn::engine();
        std::unordered_map<int, memory> args;
        args.emplace(
            DNNL_ARG_SRC,
            memory(memory::desc({p.M, k}, memory::data_type::u8, memory::format_tag::ab), eng, qaData));
        args.emplace(DNNL_ARG_WEIGHTS, memory(mem.get_desc(), eng, mem.get_data_handle()));
        args.emplace(
            DNNL_ARG_DST,
            memory(memory::desc({p.M, n}, memory::data_type::s32, memory::format_tag::ab), eng, accData));
        std::lock_guard lock(onednn::runMutex());
        prim->execute(onednn::stream(), args);
        onednn::stream().wait();
    }
    parallelFor(p.M, 4, [&](int64_t m0, int64_t m1) {
        for (int64_t m = m0; m < m1; ++m) {
            const int32_t* r = accData + m * n;
            float* c = p.c + m * p.cRow;
            const float sa = rowScales[m];
            for (int64_t j = 0; j < n; ++j)
                c[j] = float(r[j] - 128 * colSum[size_t(j)]) * (sa * scales[size_t(j)]) +
                       (p.bias ? p.bias[j] : 0.f);
            if (p.act != Activation::None) applyActivation(p.act, c, c, n);
            if (p.residual) {
                const float* res = p.residual + m * p.cRow;
                for (int64_t j = 0; j < n; ++j)
                    c[j] += res[j];
            }
        }
    });
    return "onednn_u8s8";
}

std::shared_ptr<const PackedWeight> packVnni(const Int8Weights& q)
{
    if (!cpuOptions().useOneDnn || cpuOptions().naiveGemm || q.groupSize != 0 ||
        !precisionSwitches().int8Vnni)
        return nullptr;
    const memory::desc any({q.cols, q.rows}, memory::data_type::s8, memory::format_tag::any);
    memory::desc chosen;
    try {
        auto small = u8s8Desc(1, q.rows, q.cols, any), big = u8s8Desc(1576, q.rows, q.cols, any);
        if (onednn::isReferenceImpl(small.impl_info_str()) || onednn::isReferenceImpl(big.impl_info_str()) ||
            !(small.weights_desc() == big.weights_desc()))
            return nullptr;
        chosen = small.weights_desc();
    } catch (const dnnl::error&) {
        return nullptr;
    }
    auto packed = std::make_shared<Int8VnniWeight>();
    packed->n = q.rows;
    packed->k = q.cols;
    packed->scales = q.scales;
    packed->colSum.assign(size_t(q.rows), 0);
    for (int64_t r = 0; r < q.rows; ++r)
        for (int64_t c = 0; c < q.cols; ++c)
            packed->colSum[size_t(r)] += q.q[size_t(r * q.cols + c)];
    packed->mem = memory(chosen, onednn::engine());
    memory plain(memory::desc({q.cols, q.rows}, memory::data_type::s8, memory::dims{1, q.cols}),
                 onednn::engine(), const_cast<int8_t*>(q.q.data()));
    dnnl::stream local(onednn::engine());
    dnnl::reorder(plain, packed->mem).execute(local, plain, packed->mem);
    local.wait();
    return packed;
}

} // namespace

std::shared_ptr<const PackedWeight> packInt8Weight(const float* w, int64_t N, int64_t K, int64_t rowStride,
                                                   int64_t groupSize)
{
    Int8Weights q = quantizeInt8(w, N, K, rowStride, groupSize);
    if (auto vnni = packVnni(q)) return vnni;
    auto packed = std::make_shared<Int8DequantWeight>();
    packed->w = std::move(q);
    return packed;
}

} // namespace loupe::compute
