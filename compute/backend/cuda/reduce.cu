// SPDX-License-Identifier: MIT
// SumTo: one thread per output element sums its elements of x in index order, in double, so every run
// gives the same bits (no atomics) and long reductions (a bias gradient over batch x tokens) keep their
// precision. The per-element code is __host__ __device__ for the host twin (kernels.h).
#include "compute/backend/cuda/kernels.h"

namespace loupe::compute::cuda {

namespace {

constexpr int kThreads = 256;

__host__ __device__ int64_t offsetOf(const Layout& l, int64_t i)
{
    int64_t o = 0;
    for (int d = l.nd - 1; d >= 0; --d) {
        o += (i % l.shape[d]) * l.so[d];
        i /= l.shape[d];
    }
    return o;
}

__host__ __device__ void sumToAt(float* out, const float* x, const Layout& kept, const Layout& reduced,
                                 int64_t i)
{
    const float* base = x + offsetOf(kept, i);
    // The innermost reduced dim is walked directly; the others through offsetOf once per run of it.
    const int64_t inner = reduced.nd ? reduced.shape[reduced.nd - 1] : 1;
    const int64_t step = reduced.nd ? reduced.so[reduced.nd - 1] : 0;
    double acc = 0;
    for (int64_t r = 0; r < reduced.n; r += inner) {
        const float* run = base + offsetOf(reduced, r);
        for (int64_t j = 0; j < inner; ++j)
            acc += double(run[j * step]);
    }
    out[i] = float(acc);
}

__global__ void sumToKernel(float* out, const float* x, Layout kept, Layout reduced)
{
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < kept.n;
         i += int64_t(gridDim.x) * blockDim.x)
        sumToAt(out, x, kept, reduced, i);
}

} // namespace

cudaError_t launchSumTo(cudaStream_t stream, float* out, const float* x, const Layout& kept,
                        const Layout& reduced)
{
    if (kept.n == 0) return cudaSuccess;
    const int64_t b = (kept.n + kThreads - 1) / kThreads;
    sumToKernel<<<unsigned(b < (int64_t(1) << 20) ? b : (int64_t(1) << 20)), kThreads, 0, stream>>>(
        out, x, kept, reduced);
    return cudaGetLastError();
}

void hostSumTo(float* out, const float* x, const Layout& kept, const Layout& reduced)
{
    for (int64_t i = 0; i < kept.n; ++i)
        sumToAt(out, x, kept, reduced, i);
}

} // namespace loupe::compute::cuda
