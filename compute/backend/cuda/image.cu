// SPDX-License-Identifier: MIT
// Image kernels: the patch embedding's im2col and torch's bicubic interpolation, each the CPU kernel's
// arithmetic per output element (compute/backend/cpu/conv2d_patch.cpp, interpolate.cpp), and their
// adjoints (col2im, the bicubic gradient) gathered per input pixel, so no two threads write one element;
// __host__ __device__ so the host twins (kernels.h) test it without a GPU.
#include "compute/backend/cuda/kernels.h"

namespace loupe::compute::cuda {

namespace {

constexpr int kThreads = 256;

unsigned blocksFor(int64_t n)
{
    const int64_t b = (n + kThreads - 1) / kThreads;
    return unsigned(b < (int64_t(1) << 20) ? (b > 0 ? b : 1) : (int64_t(1) << 20));
}

__host__ __device__ void im2colAt(float* cols, const float* px, int64_t C, int64_t H, int64_t W, int64_t P,
                                  int64_t gh, int64_t gw, int64_t i)
{
    const int64_t K = C * P * P;
    const int64_t row = i / K, k = i % K;
    const int64_t c = k / (P * P), ky = (k / P) % P, kx = k % P;
    const int64_t pxi = row % gw, py = (row / gw) % gh, b = row / (gw * gh);
    cols[i] = px[((b * C + c) * H + py * P + ky) * W + pxi * P + kx];
}

__global__ void im2colKernel(float* cols, const float* px, int64_t C, int64_t H, int64_t W, int64_t P,
                             int64_t gh, int64_t gw, int64_t total)
{
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total;
         i += int64_t(gridDim.x) * blockDim.x)
        im2colAt(cols, px, C, H, W, P, gh, gw, i);
}

constexpr float kA = -0.75f;

__host__ __device__ float cubic1(float x)
{
    return ((kA + 2) * x - (kA + 3)) * x * x + 1;
}
__host__ __device__ float cubic2(float x)
{
    return ((kA * x - 5 * kA) * x + 8 * kA) * x - 4 * kA;
}
__host__ __device__ void cubicWeights(float t, float w[4])
{
    w[0] = cubic2(t + 1);
    w[1] = cubic1(t);
    w[2] = cubic1(1 - t);
    w[3] = cubic2(2 - t);
}
__host__ __device__ int64_t clampIndex(int64_t v, int64_t hi)
{
    return v < 0 ? 0 : (v > hi ? hi : v);
}

__host__ __device__ void bicubicAt(float* out, const float* x, int64_t H, int64_t W, int64_t OH, int64_t OW,
                                   float sh, float sw, int64_t i)
{
    const int64_t ox = i % OW, oy = (i / OW) % OH, plane = i / (OW * OH);
    const float* src = x + plane * H * W;
    const float ry = sh * (float(oy) + 0.5f) - 0.5f;
    const int64_t iy = int64_t(floorf(ry));
    const float rx = sw * (float(ox) + 0.5f) - 0.5f;
    const int64_t ix = int64_t(floorf(rx));
    float wy[4], wx[4];
    cubicWeights(ry - float(iy), wy);
    cubicWeights(rx - float(ix), wx);
    float acc = 0;
    for (int j = 0; j < 4; ++j) {
        const int64_t yy = clampIndex(iy - 1 + j, H - 1);
        float rowv = 0;
        for (int k = 0; k < 4; ++k)
            rowv += wx[k] * src[yy * W + clampIndex(ix - 1 + k, W - 1)];
        acc += wy[j] * rowv;
    }
    out[i] = acc;
}

__global__ void bicubicKernel(float* out, const float* x, int64_t H, int64_t W, int64_t OH, int64_t OW,
                              float sh, float sw, int64_t total)
{
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total;
         i += int64_t(gridDim.x) * blockDim.x)
        bicubicAt(out, x, H, W, OH, OW, sh, sw, i);
}

// The adjoint of bicubicAt, gathered per input pixel. Along one axis, output coordinate o reads input
// coordinates i0(o) - 1 .. i0(o) + 2 clamped, i0(o) = floor(scale * (o + 0.5) - 0.5), non-decreasing in o;
// so the outputs reaching input y form one range, found by bisection with the forward's own arithmetic.
__host__ __device__ int64_t tapOrigin(float scale, int64_t o)
{
    return int64_t(floorf(scale * (float(o) + 0.5f) - 0.5f));
}
// The first o in [0, on) with tapOrigin(o) >= bound (on when none).
__host__ __device__ int64_t firstOriginAtLeast(float scale, int64_t on, int64_t bound)
{
    int64_t lo = 0, hi = on;
    while (lo < hi) {
        const int64_t mid = lo + (hi - lo) / 2;
        if (tapOrigin(scale, mid) >= bound)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}
// [first, last) of the outputs whose taps reach input y of n (the edges also take every clamped tap).
__host__ __device__ void reachingOutputs(float scale, int64_t y, int64_t n, int64_t on, int64_t& first,
                                         int64_t& last)
{
    first = y == 0 ? 0 : firstOriginAtLeast(scale, on, y - 2);
    last = y == n - 1 ? on : firstOriginAtLeast(scale, on, y + 2);
}
// The weight with which output o's taps reach input y (taps clamped onto y add up).
__host__ __device__ float tapWeight(float scale, int64_t o, int64_t y, int64_t n)
{
    const float r = scale * (float(o) + 0.5f) - 0.5f;
    const int64_t i0 = int64_t(floorf(r));
    float w[4];
    cubicWeights(r - float(i0), w);
    float s = 0;
    for (int j = 0; j < 4; ++j)
        if (clampIndex(i0 - 1 + j, n - 1) == y) s += w[j];
    return s;
}

__host__ __device__ void bicubicGradAt(float* gx, const float* gy, int64_t H, int64_t W, int64_t OH,
                                       int64_t OW, float sh, float sw, int64_t i)
{
    const int64_t x = i % W, y = (i / W) % H, plane = i / (W * H);
    const float* g = gy + plane * OH * OW;
    int64_t oy0, oy1, ox0, ox1;
    reachingOutputs(sh, y, H, OH, oy0, oy1);
    reachingOutputs(sw, x, W, OW, ox0, ox1);
    float acc = 0;
    for (int64_t oy = oy0; oy < oy1; ++oy) {
        const float wy = tapWeight(sh, oy, y, H);
        if (wy == 0.f) continue;
        float rowAcc = 0;
        for (int64_t ox = ox0; ox < ox1; ++ox)
            rowAcc += tapWeight(sw, ox, x, W) * g[oy * OW + ox];
        acc += wy * rowAcc;
    }
    gx[i] = acc;
}

__global__ void bicubicGradKernel(float* gx, const float* gy, int64_t H, int64_t W, int64_t OH, int64_t OW,
                                  float sh, float sw, int64_t total)
{
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total;
         i += int64_t(gridDim.x) * blockDim.x)
        bicubicGradAt(gx, gy, H, W, OH, OW, sh, sw, i);
}

// The adjoint of im2colAt: pixel i reads its one column entry, 0 outside the patch grid.
__host__ __device__ void col2imAt(float* px, const float* cols, int64_t C, int64_t H, int64_t W, int64_t P,
                                  int64_t gh, int64_t gw, int64_t i)
{
    const int64_t x = i % W, y = (i / W) % H, c = (i / (W * H)) % C, b = i / (W * H * C);
    const int64_t py = y / P, pxi = x / P;
    px[i] = py < gh && pxi < gw ? cols[((b * gh + py) * gw + pxi) * (C * P * P) + (c * P + y % P) * P + x % P]
                                : 0.f;
}

__global__ void col2imKernel(float* px, const float* cols, int64_t C, int64_t H, int64_t W, int64_t P,
                             int64_t gh, int64_t gw, int64_t total)
{
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total;
         i += int64_t(gridDim.x) * blockDim.x)
        col2imAt(px, cols, C, H, W, P, gh, gw, i);
}

} // namespace

cudaError_t launchBicubicGrad(cudaStream_t stream, float* gx, const float* gy, int64_t planes, int64_t H,
                              int64_t W, int64_t OH, int64_t OW, float sh, float sw)
{
    const int64_t total = planes * H * W;
    if (total == 0) return cudaSuccess;
    bicubicGradKernel<<<blocksFor(total), kThreads, 0, stream>>>(gx, gy, H, W, OH, OW, sh, sw, total);
    return cudaGetLastError();
}

cudaError_t launchCol2im(cudaStream_t stream, float* px, const float* cols, int64_t B, int64_t C, int64_t H,
                         int64_t W, int64_t P)
{
    const int64_t total = B * C * H * W;
    if (total == 0) return cudaSuccess;
    col2imKernel<<<blocksFor(total), kThreads, 0, stream>>>(px, cols, C, H, W, P, H / P, W / P, total);
    return cudaGetLastError();
}

void hostBicubicGrad(float* gx, const float* gy, int64_t planes, int64_t H, int64_t W, int64_t OH, int64_t OW,
                     float sh, float sw)
{
    for (int64_t i = 0; i < planes * H * W; ++i)
        bicubicGradAt(gx, gy, H, W, OH, OW, sh, sw, i);
}

void hostCol2im(float* px, const float* cols, int64_t B, int64_t C, int64_t H, int64_t W, int64_t P)
{
    for (int64_t i = 0; i < B * C * H * W; ++i)
        col2imAt(px, cols, C, H, W, P, H / P, W / P, i);
}

cudaError_t launchIm2col(cudaStream_t stream, float* cols, const float* px, int64_t B, int64_t C, int64_t H,
                         int64_t W, int64_t P)
{
    const int64_t gh = H / P, gw = W / P, total = B * gh * gw * C * P * P;
    if (total == 0) return cudaSuccess;
    im2colKernel<<<blocksFor(total), kThreads, 0, stream>>>(cols, px, C, H, W, P, gh, gw, total);
    return cudaGetLastError();
}

cudaError_t launchBicubic(cudaStream_t stream, float* out, const float* x, int64_t planes, int64_t H,
                          int64_t W, int64_t OH, int64_t OW, float sh, float sw)
{
    const int64_t total = planes * OH * OW;
    if (total == 0) return cudaSuccess;
    bicubicKernel<<<blocksFor(total), kThreads, 0, stream>>>(out, x, H, W, OH, OW, sh, sw, total);
    return cudaGetLastError();
}

void hostIm2col(float* cols, const float* px, int64_t B, int64_t C, int64_t H, int64_t W, int64_t P)
{
    const int64_t gh = H / P, gw = W / P, total = B * gh * gw * C * P * P;
    for (int64_t i = 0; i < total; ++i)
        im2colAt(cols, px, C, H, W, P, gh, gw, i);
}

void hostBicubic(float* out, const float* x, int64_t planes, int64_t H, int64_t W, int64_t OH, int64_t OW,
                 float sh, float sw)
{
    for (int64_t i = 0; i < planes * OH * OW; ++i)
        bicubicAt(out, x, H, W, OH, OW, sh, sw, i);
}

} // namespace loupe::compute::cuda
