// SPDX-License-Identifier: MIT
// Row kernels (softmax, LayerNorm): one block per row, block-wide reductions in f32 whatever the
// weights' precision (fp16 attention scores overflow: onnxruntime #11384). Each thread's share of a
// pass is a __host__ __device__ function, so the host twins (kernels.h) run the same arithmetic and
// partition with the reductions done in order.
#include "compute/backend/cuda/block_reduce.cuh"
#include "compute/backend/cuda/kernels.h"

#include <cmath>

namespace loupe::compute::cuda {

namespace {

constexpr int kThreads = 256;

// Softmax, as the CPU: shift by scale * max (0 when the max is not finite), exp, then multiply by
// 1 / sum, so a fully masked row gives NaN on both. Thread t of nt handles elements t, t + nt, ...
__host__ __device__ float softmaxMax(const float* xr, int64_t d, int t, int nt)
{
    float mx = -INFINITY;
    for (int64_t i = t; i < d; i += nt)
        mx = fmaxf(mx, xr[i]);
    return mx;
}
__host__ __device__ float softmaxShift(float mx, float scale)
{
    return (mx - mx == 0.f) ? mx * scale : 0.f; // finite: inf - inf and nan - nan are nan
}
__host__ __device__ float softmaxExp(const float* xr, float* o, int64_t d, float scale, float shift, int t,
                                     int nt)
{
    float sum = 0;
    for (int64_t i = t; i < d; i += nt) {
        const float e = expf(xr[i] * scale - shift);
        o[i] = e;
        sum += e;
    }
    return sum;
}
__host__ __device__ void scaleRow(float* o, int64_t d, float s, int t, int nt)
{
    for (int64_t i = t; i < d; i += nt)
        o[i] *= s;
}

// LayerNorm: mean, then the variance of the centred values (two passes, as the CPU and PyTorch),
// biased, eps inside the square root.
__host__ __device__ void normalizeRow(float* o, const float* xr, const float* w, const float* b, int64_t d,
                                      float mean, float inv, int t, int nt)
{
    for (int64_t i = t; i < d; i += nt)
        o[i] = (xr[i] - mean) * inv * w[i] + b[i];
}

__global__ void softmaxKernel(float* out, const float* x, int64_t d, float scale)
{
    __shared__ float scratch[32];
    const float* xr = x + blockIdx.x * d;
    float* o = out + blockIdx.x * d;
    const int t = threadIdx.x, nt = blockDim.x;
    const float mx = blockReduce<Reduce::Max>(softmaxMax(xr, d, t, nt), scratch);
    const float sum =
        blockReduce<Reduce::Sum>(softmaxExp(xr, o, d, scale, softmaxShift(mx, scale), t, nt), scratch);
    scaleRow(o, d, 1.f / sum, t, nt);
}

__global__ void layerNormKernel(float* out, const float* x, const float* w, const float* b, int64_t d,
                                float eps)
{
    __shared__ float scratch[32];
    const float* xr = x + blockIdx.x * d;
    float* o = out + blockIdx.x * d;
    const int t = threadIdx.x, nt = blockDim.x;
    const float mean = blockReduce<Reduce::Sum>(rowSum(xr, d, t, nt), scratch) / float(d);
    const float var = blockReduce<Reduce::Sum>(rowSquaredDiff(xr, d, mean, t, nt), scratch);
    normalizeRow(o, xr, w, b, d, mean, 1.f / sqrtf(var / float(d) + eps), t, nt);
}

} // namespace

cudaError_t launchSoftmax(cudaStream_t stream, float* out, const float* x, int64_t rows, int64_t d,
                          float scale)
{
    if (rows == 0 || d == 0) return cudaSuccess;
    if (rows > 0x7fffffff) return cudaErrorInvalidConfiguration;
    softmaxKernel<<<unsigned(rows), kThreads, 0, stream>>>(out, x, d, scale);
    return cudaGetLastError();
}

cudaError_t launchLayerNorm(cudaStream_t stream, float* out, const float* x, const float* w, const float* b,
                            int64_t rows, int64_t d, float eps)
{
    if (rows == 0 || d == 0) return cudaSuccess;
    if (rows > 0x7fffffff) return cudaErrorInvalidConfiguration;
    layerNormKernel<<<unsigned(rows), kThreads, 0, stream>>>(out, x, w, b, d, eps);
    return cudaGetLastError();
}

void hostSoftmax(float* out, const float* x, int64_t rows, int64_t d, float scale)
{
    for (int64_t r = 0; r < rows; ++r) {
        const float* xr = x + r * d;
        float* o = out + r * d;
        float mx = -INFINITY, sum = 0;
        for (int t = 0; t < kThreads; ++t)
            mx = fmaxf(mx, softmaxMax(xr, d, t, kThreads));
        for (int t = 0; t < kThreads; ++t)
            sum += softmaxExp(xr, o, d, scale, softmaxShift(mx, scale), t, kThreads);
        for (int t = 0; t < kThreads; ++t)
            scaleRow(o, d, 1.f / sum, t, kThreads);
    }
}

void hostLayerNorm(float* out, const float* x, const float* w, const float* b, int64_t rows, int64_t d,
                   float eps)
{
    for (int64_t r = 0; r < rows; ++r) {
        const float* xr = x + r * d;
        float s = 0, sq = 0;
        for (int t = 0; t < kThreads; ++t)
            s += rowSum(xr, d, t, kThreads);
        const float mean = s / float(d);
        for (int t = 0; t < kThreads; ++t)
            sq += rowSquaredDiff(xr, d, mean, t, kThreads);
        const float inv = 1.f / sqrtf(sq / float(d) + eps);
        for (int t = 0; t < kThreads; ++t)
            normalizeRow(out + r * d, xr, w, b, d, mean, inv, t, kThreads);
    }
}

} // namespace loupe::compute::cuda
