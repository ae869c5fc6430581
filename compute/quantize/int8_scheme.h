// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <vector>

namespace loupe::compute {

// Loupe's int8 weight scheme: symmetric, scale = max |w| / 127 over one output channel (row n of
// W [N, K]) or over `groupSize` consecutive elements of it, q = round(w / scale) in [-127, 127].
// A zero row or group gets scale 1 so that dequantising never divides by zero. Shared by the GEMM's
// packing and by `loupe quantize`, so a quantised checkpoint repacks to the very same integers.
struct Int8Weights
{
    int64_t rows = 0, cols = 0;
    int64_t groupSize = 0;     // 0: per channel (one scale per row)
    std::vector<int8_t> q;     // [rows, cols]
    std::vector<float> scales; // [rows] or [rows, cols / groupSize]

    int64_t groupsPerRow() const { return groupSize > 0 ? cols / groupSize : 1; }
    int64_t groupLength() const { return groupSize > 0 ? groupSize : cols; }
};

// Throws Error when groupSize is negative or does not divide K.
Int8Weights quantizeInt8(const float* w, int64_t N, int64_t K, int64_t rowStride, int64_t groupSize);
// dst[n * K + k] = q[n * K + k] * scale of (n, k).
void dequantizeInt8(const int8_t* q, const float* scales, int64_t N, int64_t K, int64_t groupSize,
                    float* dst);

} // namespace loupe::compute
