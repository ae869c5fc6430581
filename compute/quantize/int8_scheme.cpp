// SPDX-License-Identifier: MIT
#include "compute/quantize/int8_scheme.h"

#include "compute/error.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace loupe::compute {

Int8Weights quantizeInt8(const float* w, int64_t N, int64_t K, int64_t rowStride, int64_t groupSize)
{
    if (groupSize < 0 || (groupSize > 0 && K % groupSize != 0))
        throw Error("int8 quantisation", "group size " + std::to_string(groupSize) +
                                             " does not divide the input size " + std::to_string(K));
    Int8Weights out;
    out.rows = N;
    out.cols = K;
    out.groupSize = groupSize == K ? 0 : groupSize;
    const int64_t G = out.groupLength(), groups = out.groupsPerRow();
    out.q.resize(size_t(N * K));
    out.scales.resize(size_t(N * groups));
    for (int64_t n = 0; n < N; ++n)
        for (int64_t g = 0; g < groups; ++g) {
            const float* src = w + n * rowStride + g * G;
            float amax = 0;
            for (int64_t k = 0; k < G; ++k)
                amax = std::max(amax, std::fabs(src[k]));
            const float scale = amax > 0 ? amax / 127.f : 1.f;
            out.scales[size_t(n * groups + g)] = scale;
            int8_t* dst = out.q.data() + n * K + g * G;
            for (int64_t k = 0; k < G; ++k)
                dst[k] = int8_t(std::clamp(std::nearbyint(src[k] / scale), -127.f, 127.f));
        }
    return out;
}

void dequantizeInt8(const int8_t* q, const float* scales, int64_t N, int64_t K, int64_t groupSize, float* dst)
{
    const int64_t G = groupSize > 0 ? groupSize : K, groups = K / G;
    for (int64_t n = 0; n < N; ++n)
        for (int64_t k = 0; k < K; ++k)
            dst[n * K + k] = float(q[n * K + k]) * scales[size_t(n * groups + k / G)];
}

} // namespace loupe::compute
