// SPDX-License-Identifier: MIT
// Row kernels (softmax, LayerNorm): one block per row, block-wide reductions in f32 whatever the
// weights' precision (fp16 attention scores overflow: onnxruntime #11384).
#include "compute/backend/cuda/kernels.h"

#include <cmath>

namespace loupe::compute::cuda {

namespace {

constexpr int kThreads = 256;

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

// As the CPU: shift by scale * max (0 when the max is not finite), exp, then multiply by 1 / sum, so a
// fully masked row gives NaN on both.
__global__ void softmaxKernel(float* out, const float* x, int64_t d, float scale)
{
    __shared__ float scratch[32];
    const float* xr = x + blockIdx.x * d;
    float* o = out + blockIdx.x * d;
    float mx = -INFINITY;
    for (int64_t i = threadIdx.x; i < d; i += blockDim.x)
        mx = fmaxf(mx, xr[i]);
    mx = blockReduce<Reduce::Max>(mx, scratch);
    const float shift = isfinite(mx) ? mx * scale : 0.f;
    float sum = 0;
    for (int64_t i = threadIdx.x; i < d; i += blockDim.x) {
        const float e = expf(xr[i] * scale - shift);
        o[i] = e;
        sum += e;
    }
    sum = blockReduce<Reduce::Sum>(sum, scratch);
    const float inv = 1.f / sum;
    for (int64_t i = threadIdx.x; i < d; i += blockDim.x)
        o[i] *= inv;
}

// Mean, then the variance of the centred values (two passes, as the CPU and PyTorch), biased, eps inside
// the square root.
__global__ void layerNormKernel(float* out, const float* x, const float* w, const float* b, int64_t d,
                                float eps)
{
    __shared__ float scratch[32];
    const float* xr = x + blockIdx.x * d;
    float* o = out + blockIdx.x * d;
    float s = 0;
    for (int64_t i = threadIdx.x; i < d; i += blockDim.x)
        s += xr[i];
    const float mean = blockReduce<Reduce::Sum>(s, scratch) / float(d);
    float sq = 0;
    for (int64_t i = threadIdx.x; i < d; i += blockDim.x) {
        const float c = xr[i] - mean;
        sq += c * c;
    }
    const float var = blockReduce<Reduce::Sum>(sq, scratch);
    const float inv = 1.f / sqrtf(var / float(d) + eps);
    for (int64_t i = threadIdx.x; i < d; i += blockDim.x)
        o[i] = (xr[i] - mean) * inv * w[i] + b[i];
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

} // namespace loupe::compute::cuda
