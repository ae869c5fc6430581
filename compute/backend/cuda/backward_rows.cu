// SPDX-License-Identifier: MIT
// The backward row kernels (softmax and LayerNorm input gradients): one block per row, block-wide f32
// reductions, as rows.cu. Each thread's share of a pass is __host__ __device__, so the host twins run the
// same partition with the reductions done in order. The arithmetic is the CPU's
// (compute/autograd/backward_kernels.cpp).
#include "compute/backend/cuda/block_reduce.cuh"
#include "compute/backend/cuda/kernels.h"

#include <cmath>

namespace loupe::compute::cuda {

namespace {

constexpr int kThreads = 256;

// Thread t of nt handles elements t, t + nt, ...
__host__ __device__ float partialDot(const float* a, const float* b, int64_t d, int t, int nt)
{
    float s = 0;
    for (int64_t i = t; i < d; i += nt)
        s += a[i] * b[i];
    return s;
}

// gx = scale * y * (gy - sum(gy * y)).
__host__ __device__ void softmaxGradRow(float* o, const float* y, const float* g, int64_t d, float scale,
                                        float dot, int t, int nt)
{
    for (int64_t i = t; i < d; i += nt)
        o[i] = scale * y[i] * (g[i] - dot);
}

// LayerNorm's input gradient with xh = (x - mean) * rstd and gh = gy * w:
// gx = rstd * (gh - mean(gh) - xh * mean(gh * xh)). The two sums of one thread's share first.
__host__ __device__ void layerNormGradSums(const float* x, const float* w, const float* g, int64_t d,
                                           float mean, float rstd, int t, int nt, float& sumG, float& sumGX)
{
    sumG = 0;
    sumGX = 0;
    for (int64_t i = t; i < d; i += nt) {
        const float gh = w ? g[i] * w[i] : g[i];
        sumG += gh;
        sumGX += gh * ((x[i] - mean) * rstd);
    }
}
__host__ __device__ void layerNormGradRow(float* o, const float* x, const float* w, const float* g, int64_t d,
                                          float mean, float rstd, float meanG, float meanGX, int t, int nt)
{
    for (int64_t i = t; i < d; i += nt) {
        const float gh = w ? g[i] * w[i] : g[i];
        o[i] = rstd * (gh - meanG - (x[i] - mean) * rstd * meanGX);
    }
}

__host__ __device__ float reciprocalStd(float squaredDiffSum, int64_t d, float eps)
{
    return 1.f / sqrtf(squaredDiffSum / float(d) + eps);
}

__global__ void softmaxGradKernel(float* gx, const float* y, const float* gy, int64_t d, float scale)
{
    __shared__ float scratch[32];
    const int64_t at = blockIdx.x * d;
    const int t = threadIdx.x, nt = blockDim.x;
    const float dot = blockReduce<Reduce::Sum>(partialDot(gy + at, y + at, d, t, nt), scratch);
    softmaxGradRow(gx + at, y + at, gy + at, d, scale, dot, t, nt);
}

__global__ void layerNormGradKernel(float* gx, const float* x, const float* w, const float* gy, int64_t d,
                                    float eps)
{
    __shared__ float scratch[32];
    const int64_t at = blockIdx.x * d;
    const float* xr = x + at;
    const float* g = gy + at;
    const int t = threadIdx.x, nt = blockDim.x;
    const float mean = blockReduce<Reduce::Sum>(rowSum(xr, d, t, nt), scratch) / float(d);
    const float rstd =
        reciprocalStd(blockReduce<Reduce::Sum>(rowSquaredDiff(xr, d, mean, t, nt), scratch), d, eps);
    float sumG, sumGX;
    layerNormGradSums(xr, w, g, d, mean, rstd, t, nt, sumG, sumGX);
    const float meanG = blockReduce<Reduce::Sum>(sumG, scratch) / float(d);
    const float meanGX = blockReduce<Reduce::Sum>(sumGX, scratch) / float(d);
    layerNormGradRow(gx + at, xr, w, g, d, mean, rstd, meanG, meanGX, t, nt);
}

} // namespace

cudaError_t launchSoftmaxGrad(cudaStream_t stream, float* gx, const float* y, const float* gy, int64_t rows,
                              int64_t d, float scale)
{
    if (rows == 0 || d == 0) return cudaSuccess;
    if (rows > 0x7fffffff) return cudaErrorInvalidConfiguration;
    softmaxGradKernel<<<unsigned(rows), kThreads, 0, stream>>>(gx, y, gy, d, scale);
    return cudaGetLastError();
}

cudaError_t launchLayerNormGrad(cudaStream_t stream, float* gx, const float* x, const float* w,
                                const float* gy, int64_t rows, int64_t d, float eps)
{
    if (rows == 0 || d == 0) return cudaSuccess;
    if (rows > 0x7fffffff) return cudaErrorInvalidConfiguration;
    layerNormGradKernel<<<unsigned(rows), kThreads, 0, stream>>>(gx, x, w, gy, d, eps);
    return cudaGetLastError();
}

void hostSoftmaxGrad(float* gx, const float* y, const float* gy, int64_t rows, int64_t d, float scale)
{
    for (int64_t r = 0; r < rows; ++r) {
        const int64_t at = r * d;
        float dot = 0;
        for (int t = 0; t < kThreads; ++t)
            dot += partialDot(gy + at, y + at, d, t, kThreads);
        for (int t = 0; t < kThreads; ++t)
            softmaxGradRow(gx + at, y + at, gy + at, d, scale, dot, t, kThreads);
    }
}

void hostLayerNormGrad(float* gx, const float* x, const float* w, const float* gy, int64_t rows, int64_t d,
                       float eps)
{
    for (int64_t r = 0; r < rows; ++r) {
        const int64_t at = r * d;
        const float* xr = x + at;
        float s = 0, sq = 0, sumG = 0, sumGX = 0;
        for (int t = 0; t < kThreads; ++t)
            s += rowSum(xr, d, t, kThreads);
        const float mean = s / float(d);
        for (int t = 0; t < kThreads; ++t)
            sq += rowSquaredDiff(xr, d, mean, t, kThreads);
        const float rstd = reciprocalStd(sq, d, eps);
        for (int t = 0; t < kThreads; ++t) {
            float g, gxs;
            layerNormGradSums(xr, w, gy + at, d, mean, rstd, t, kThreads, g, gxs);
            sumG += g;
            sumGX += gxs;
        }
        for (int t = 0; t < kThreads; ++t)
            layerNormGradRow(gx + at, xr, w, gy + at, d, mean, rstd, sumG / float(d), sumGX / float(d), t,
                             kThreads);
    }
}

} // namespace loupe::compute::cuda
