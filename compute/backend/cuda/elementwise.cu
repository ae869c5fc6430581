// SPDX-License-Identifier: MIT
// Elementwise kernels: broadcast binary ops and strided copies, activations and their gradients, the GEMM
// epilogue and the f32 -> f16/bf16 conversion of GEMM inputs. Math matches the CPU backend's scalar reference
// (compute/backend/cpu/vmath.cpp): erff, tanhf, expf, no fast-math intrinsics. The per-element code is
// __host__ __device__ so its host twins (kernels.h) test it without a GPU.
#include "compute/backend/cuda/kernels.h"

#include <cuda_bf16.h>
#include <cuda_fp16.h>

namespace loupe::compute::cuda {

namespace {

constexpr int kThreads = 256;

unsigned blocksFor(int64_t n)
{
    const int64_t b = (n + kThreads - 1) / kThreads;
    return unsigned(b < (int64_t(1) << 20) ? (b > 0 ? b : 1) : (int64_t(1) << 20)); // grid-stride beyond
}

__host__ __device__ float activate(int act, float x)
{
    switch (act) {
    case 1: // GeluErf
        return 0.5f * x * (1.f + erff(x * 0.70710678118654752f));
    case 2: // GeluTanh
        return 0.5f * x * (1.f + tanhf(0.7978845608028654f * (x + 0.044715f * x * x * x)));
    case 3: // QuickGelu
        return x / (1.f + expf(-1.702f * x));
    case 4: // Relu
        return x > 0 ? x : 0.f;
    case 5: // Silu
        return x / (1.f + expf(-x));
    case 6: // Tanh
        return tanhf(x);
    case 7: // Sigmoid
        return 1.f / (1.f + expf(-x));
    default:
        return x;
    }
}

// act'(x) times g, the CPU's backward arithmetic (compute/autograd/backward_kernels.cpp).
__host__ __device__ float activationGrad(int act, float x, float g)
{
    switch (act) {
    case 1: // GeluErf
        return g * (0.5f * (1.f + erff(x * 0.70710678118654752f)) +
                    x * expf(-0.5f * x * x) * 0.39894228040143268f);
    case 2: { // GeluTanh
        const float k = 0.79788456080286536f, c3 = 0.044715f;
        const float a = tanhf(k * (x + c3 * x * x * x));
        return g * (0.5f * (1.f + a) + 0.5f * x * (1.f - a * a) * k * (1.f + 3.f * c3 * x * x));
    }
    case 3:   // QuickGelu
    case 5: { // Silu
        const float s = act == 3 ? 1.702f : 1.f;
        const float sg = 1.f / (1.f + expf(-s * x));
        return g * (sg + s * x * sg * (1.f - sg));
    }
    case 4: // Relu
        return x > 0 ? g : 0.f;
    case 6: { // Tanh
        const float t = tanhf(x);
        return g * (1.f - t * t);
    }
    case 7: { // Sigmoid
        const float sg = 1.f / (1.f + expf(-x));
        return g * sg * (1.f - sg);
    }
    default:
        return g;
    }
}

// Element i of the layout's shape -> offsets of out, a and b.
__host__ __device__ void offsets(const Layout& l, int64_t i, int64_t& o, int64_t& a, int64_t& b)
{
    o = a = b = 0;
    for (int d = l.nd - 1; d >= 0; --d) {
        const int64_t s = l.shape[d];
        const int64_t k = i % s;
        i /= s;
        o += k * l.so[d];
        a += k * l.sa[d];
        b += k * l.sb[d];
    }
}

__host__ __device__ void binaryAt(Elementwise op, float* out, const float* a, const float* b, const Layout& l,
                                  int64_t i)
{
    int64_t oo, oa, ob;
    offsets(l, i, oo, oa, ob);
    const float x = a[oa];
    float y = x;
    if (op == Elementwise::Add)
        y = x + b[ob];
    else if (op == Elementwise::Sub)
        y = x - b[ob];
    else if (op == Elementwise::Mul)
        y = x * b[ob];
    out[oo] = y;
}

__host__ __device__ void activationAt(int act, float* out, const float* x, const Layout& l, int64_t i)
{
    int64_t oo, oa, ob;
    offsets(l, i, oo, oa, ob);
    out[oo] = activate(act, x[oa]);
}

__host__ __device__ void epilogueAt(float* c, int64_t n, const float* bias, int act, const float* residual,
                                    int64_t i)
{
    float v = c[i];
    if (bias) v += bias[i % n];
    v = activate(act, v);
    if (residual) v += residual[i];
    c[i] = v;
}

#define LOUPE_GRID_STRIDE(i, n)                                                                              \
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < (n);                                \
         i += int64_t(gridDim.x) * blockDim.x)

__global__ void binaryKernel(Elementwise op, float* out, const float* a, const float* b, Layout l)
{
    LOUPE_GRID_STRIDE(i, l.n)
    binaryAt(op, out, a, b, l, i);
}

__global__ void activationKernel(int act, float* out, const float* x, Layout l)
{
    LOUPE_GRID_STRIDE(i, l.n)
    activationAt(act, out, x, l, i);
}

__global__ void epilogueKernel(float* c, int64_t total, int64_t n, const float* bias, int act,
                               const float* residual)
{
    LOUPE_GRID_STRIDE(i, total)
    epilogueAt(c, n, bias, act, residual, i);
}

__global__ void actGradKernel(int act, float* gz, const float* z, const float* gy, int64_t n)
{
    LOUPE_GRID_STRIDE(i, n)
    gz[i] = activationGrad(act, z[i], gy[i]);
}

__global__ void toHalfKernel(void* dst, const float* src, int64_t n, bool bf16)
{
    LOUPE_GRID_STRIDE(i, n)
    {
        if (bf16)
            static_cast<__nv_bfloat16*>(dst)[i] = __float2bfloat16_rn(src[i]);
        else
            static_cast<__half*>(dst)[i] = __float2half_rn(src[i]);
    }
}

} // namespace

cudaError_t launchBinary(cudaStream_t stream, Elementwise op, float* out, const float* a, const float* b,
                         const Layout& layout)
{
    if (layout.n == 0) return cudaSuccess;
    binaryKernel<<<blocksFor(layout.n), kThreads, 0, stream>>>(op, out, a, b ? b : a, layout);
    return cudaGetLastError();
}

cudaError_t launchActivation(cudaStream_t stream, int act, float* out, const float* x, const Layout& layout)
{
    if (layout.n == 0) return cudaSuccess;
    activationKernel<<<blocksFor(layout.n), kThreads, 0, stream>>>(act, out, x, layout);
    return cudaGetLastError();
}

cudaError_t launchEpilogue(cudaStream_t stream, float* c, int64_t rows, int64_t n, const float* bias, int act,
                           const float* residual)
{
    const int64_t total = rows * n;
    if (total == 0 || (!bias && act == 0 && !residual)) return cudaSuccess;
    epilogueKernel<<<blocksFor(total), kThreads, 0, stream>>>(c, total, n, bias, act, residual);
    return cudaGetLastError();
}

cudaError_t launchActGrad(cudaStream_t stream, int act, float* gz, const float* z, const float* gy, int64_t n)
{
    if (n == 0) return cudaSuccess;
    actGradKernel<<<blocksFor(n), kThreads, 0, stream>>>(act, gz, z, gy, n);
    return cudaGetLastError();
}

cudaError_t launchToHalf(cudaStream_t stream, void* dst, const float* src, int64_t n, bool bf16)
{
    if (n == 0) return cudaSuccess;
    toHalfKernel<<<blocksFor(n), kThreads, 0, stream>>>(dst, src, n, bf16);
    return cudaGetLastError();
}

void hostBinary(Elementwise op, float* out, const float* a, const float* b, const Layout& layout)
{
    for (int64_t i = 0; i < layout.n; ++i)
        binaryAt(op, out, a, b ? b : a, layout, i);
}

void hostActivation(int act, float* out, const float* x, const Layout& layout)
{
    for (int64_t i = 0; i < layout.n; ++i)
        activationAt(act, out, x, layout, i);
}

void hostEpilogue(float* c, int64_t rows, int64_t n, const float* bias, int act, const float* residual)
{
    for (int64_t i = 0; i < rows * n; ++i)
        epilogueAt(c, n, bias, act, residual, i);
}

void hostActGrad(int act, float* gz, const float* z, const float* gy, int64_t n)
{
    for (int64_t i = 0; i < n; ++i)
        gz[i] = activationGrad(act, z[i], gy[i]);
}

} // namespace loupe::compute::cuda
