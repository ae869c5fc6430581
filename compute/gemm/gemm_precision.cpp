// SPDX-License-Identifier: MIT
#include "compute/cpu_options.h"
#include "compute/dtype.h"
#include "compute/gemm/gemm.h"
#include "compute/gemm/gemm_reduced.h"
#include "compute/gemm/precision_switches.h"

#include <vector>

namespace loupe::compute {

namespace {

// f16 weight values held in an f32 packed weight: f16's accuracy without its speed (oneDNN 2.6 has no
// f16 matmul for CPUs), until a backend with f16 kernels takes the model.
class F16RoundedWeight final : public PackedWeight
{
public:
    std::shared_ptr<const PackedWeight> inner;
    int64_t rows() const override { return inner->rows(); }
    int64_t cols() const override { return inner->cols(); }
    size_t bytes() const override { return inner->bytes(); }
    void unpack(float* dst) const override { inner->unpack(dst); }
    Precision precision() const override { return Precision::F16; }
    const char* multiply(const GemmProblem& p) const override
    {
        GemmProblem q = p;
        q.packedB = inner.get();
        return gemmOneDnn(q) ? "onednn_f16_values" : nullptr;
    }
};

} // namespace

WeightFormat effectiveWeightFormat(const WeightFormat& requested)
{
    const bool oneDnn = cpuOptions().useOneDnn && !cpuOptions().naiveGemm;
    switch (requested.precision) {
    case Precision::Default:
    case Precision::F32:
        return {Precision::F32};
    case Precision::BF16:
        // Without oneDNN's bf16 kernel the weights stay f32 rather than being emulated slowly.
        return oneDnn && precisionSwitches().bf16 && bf16KernelAvailable() ? WeightFormat{Precision::BF16}
                                                                           : WeightFormat{Precision::F32};
    case Precision::F16:
        return oneDnn ? WeightFormat{Precision::F16} : WeightFormat{Precision::F32};
    case Precision::Int8:
        return requested;
    }
    return {Precision::F32};
}

std::string weightFormatNote(const WeightFormat& requested)
{
    const Precision p = requested.precision;
    if (p == Precision::Default || effectiveWeightFormat(requested).precision == p) return {};
    std::string why;
    if (!cpuOptions().useOneDnn || cpuOptions().naiveGemm)
        why = "oneDNN is off (LOUPE_DISABLE_ONEDNN or the naive GEMM)";
    else if (p == Precision::BF16 && !precisionSwitches().bf16)
        why = "LOUPE_DISABLE_BF16 is set";
    else if (p == Precision::BF16)
        why = "this CPU has no oneDNN bf16 kernel";
    else
        why = "this CPU cannot compute it";
    return std::string(precisionName(p)) + " was asked for; " + why + ", so the weights are f32";
}

std::shared_ptr<const PackedWeight> packLinearWeight(const float* w, int64_t N, int64_t K, int64_t rowStride,
                                                     const WeightFormat& requested)
{
    const WeightFormat f = effectiveWeightFormat(requested);
    switch (f.precision) {
    case Precision::BF16:
        if (auto p = packBf16Weight(w, N, K, rowStride)) return p;
        return packLinearWeight(w, N, K, rowStride);
    case Precision::F16: {
        std::vector<float> rounded(size_t(N * K));
        for (int64_t n = 0; n < N; ++n)
            for (int64_t k = 0; k < K; ++k)
                rounded[size_t(n * K + k)] = halfToFloat(floatToHalf(w[n * rowStride + k]));
        auto inner = packLinearWeight(rounded.data(), N, K, K);
        if (!inner) return nullptr;
        auto packed = std::make_shared<F16RoundedWeight>();
        packed->inner = std::move(inner);
        return packed;
    }
    case Precision::Int8:
        if (N <= 0 || K <= 0) return nullptr;
        return packInt8Weight(w, N, K, rowStride, f.groupSize);
    case Precision::Default:
    case Precision::F32:
        break;
    }
    return packLinearWeight(w, N, K, rowStride);
}

} // namespace loupe::compute
