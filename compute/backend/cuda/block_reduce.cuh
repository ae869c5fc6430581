// SPDX-License-Identifier: MIT
#pragma once

// The row kernels' block-wide reduction (rows.cu, backward_rows.cu), and each thread's share of the row
// sums they reduce (thread t of nt takes elements t, t + nt, ...: host and device, so host twins run the
// same partition).
#include <cmath>
#include <cstdint>

namespace loupe::compute::cuda {

enum class Reduce { Sum, Max };

// Block-wide reduction; every thread gets the result. `scratch` holds one value per warp.
template <Reduce R> __device__ float blockReduce(float v, float* scratch)
{
    for (int o = 16; o > 0; o /= 2) {
        const float w = __shfl_xor_sync(0xffffffffu, v, o);
        v = R == Reduce::Sum ? v + w : fmaxf(v, w);
    }
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    __syncthreads(); // scratch may still be read from the previous reduction
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    const int warps = blockDim.x / 32;
    v = lane < warps ? scratch[lane] : (R == Reduce::Sum ? 0.f : -INFINITY);
    for (int o = 16; o > 0; o /= 2) {
        const float w = __shfl_xor_sync(0xffffffffu, v, o);
        v = R == Reduce::Sum ? v + w : fmaxf(v, w);
    }
    return v;
}

inline __host__ __device__ float rowSum(const float* xr, int64_t d, int t, int nt)
{
    float s = 0;
    for (int64_t i = t; i < d; i += nt)
        s += xr[i];
    return s;
}
inline __host__ __device__ float rowSquaredDiff(const float* xr, int64_t d, float mean, int t, int nt)
{
    float sq = 0;
    for (int64_t i = t; i < d; i += nt) {
        const float c = xr[i] - mean;
        sq += c * c;
    }
    return sq;
}

} // namespace loupe::compute::cuda
