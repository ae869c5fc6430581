// SPDX-License-Identifier: MIT
// SumTo without atomics: the elements summed into each output are split into sumToSplits() ranges that
// depend only on the shapes; one thread sums one range of one output in index order, in f64, into a
// partial, and a second pass adds each output's partials in order. Every run gives the same bits, and a
// reduction to few outputs (a bias gradient over batch x tokens) still spreads over the whole GPU. The
// per-thread code is __host__ __device__ for the host twin (kernels.h).
#include "compute/backend/cuda/kernels.h"

#include <vector>

namespace loupe::compute::cuda {

namespace {

constexpr int kThreads = 256;
constexpr int64_t kTargetThreads = int64_t(1) << 16; // enough to fill an H100
constexpr int64_t kMinRange = 256;                   // elements a thread sums at least

__host__ __device__ int64_t offsetOf(const Layout& l, int64_t i)
{
    int64_t o = 0;
    for (int d = l.nd - 1; d >= 0; --d) {
        o += (i % l.shape[d]) * l.so[d];
        i /= l.shape[d];
    }
    return o;
}

// Sum of the reduced elements [e0, e1) (in the layout's index order) from `base`: the start is decoded
// once, then whole runs of the innermost dim are walked with a carry into the outer ones.
__host__ __device__ double sumRange(const float* base, const Layout& r, int64_t e0, int64_t e1)
{
    if (e0 >= e1) return 0;
    if (r.nd == 0) return double(base[0]);
    int64_t idx[kMaxDims];
    int64_t off = 0, rest = e0;
    for (int d = r.nd - 1; d >= 0; --d) {
        idx[d] = rest % r.shape[d];
        rest /= r.shape[d];
        off += idx[d] * r.so[d];
    }
    const int last = r.nd - 1;
    const int64_t step = r.so[last];
    double acc = 0;
    for (int64_t e = e0; e < e1;) {
        const int64_t left = r.shape[last] - idx[last];
        const int64_t take = left < e1 - e ? left : e1 - e;
        const float* p = base + off;
        for (int64_t j = 0; j < take; ++j)
            acc += double(p[j * step]);
        e += take;
        idx[last] += take;
        off += take * step;
        if (idx[last] < r.shape[last]) continue;
        off -= r.shape[last] * step;
        idx[last] = 0;
        for (int d = last - 1; d >= 0; --d) {
            off += r.so[d];
            if (++idx[d] < r.shape[d]) break;
            off -= r.shape[d] * r.so[d];
            idx[d] = 0;
        }
    }
    return acc;
}

// Thread t of sumToSplits * kept.n: output t % n, range t / n (neighbouring threads take neighbouring
// outputs, so their reads coalesce when the output dim is x's innermost).
__host__ __device__ void partialAt(double* partial, const float* x, const Layout& kept, const Layout& reduced,
                                   int64_t splits, int64_t t)
{
    const int64_t i = t % kept.n, s = t / kept.n;
    partial[t] =
        sumRange(x + offsetOf(kept, i), reduced, reduced.n * s / splits, reduced.n * (s + 1) / splits);
}

__host__ __device__ void combineAt(float* out, const double* partial, int64_t n, int64_t splits, int64_t i)
{
    double acc = 0;
    for (int64_t s = 0; s < splits; ++s)
        acc += partial[s * n + i];
    out[i] = float(acc);
}

__host__ __device__ void sumToAt(float* out, const float* x, const Layout& kept, const Layout& reduced,
                                 int64_t i)
{
    out[i] = float(sumRange(x + offsetOf(kept, i), reduced, 0, reduced.n));
}

#define LOUPE_GRID_STRIDE(i, n)                                                                              \
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < (n);                                \
         i += int64_t(gridDim.x) * blockDim.x)

__global__ void sumToKernel(float* out, const float* x, Layout kept, Layout reduced)
{
    LOUPE_GRID_STRIDE(i, kept.n)
    sumToAt(out, x, kept, reduced, i);
}

__global__ void partialKernel(double* partial, const float* x, Layout kept, Layout reduced, int64_t splits)
{
    LOUPE_GRID_STRIDE(t, kept.n * splits)
    partialAt(partial, x, kept, reduced, splits, t);
}

__global__ void combineKernel(float* out, const double* partial, int64_t n, int64_t splits)
{
    LOUPE_GRID_STRIDE(i, n)
    combineAt(out, partial, n, splits, i);
}

unsigned blocksFor(int64_t n)
{
    const int64_t b = (n + kThreads - 1) / kThreads;
    return unsigned(b < (int64_t(1) << 20) ? (b > 0 ? b : 1) : (int64_t(1) << 20));
}

} // namespace

int64_t sumToSplits(const Layout& kept, const Layout& reduced)
{
    if (kept.n == 0) return 1;
    const int64_t wanted = (kTargetThreads + kept.n - 1) / kept.n, most = reduced.n / kMinRange;
    const int64_t s = wanted < most ? wanted : most;
    return s > 1 ? s : 1;
}

cudaError_t launchSumTo(cudaStream_t stream, float* out, const float* x, const Layout& kept,
                        const Layout& reduced, double* partial)
{
    if (kept.n == 0) return cudaSuccess;
    const int64_t splits = sumToSplits(kept, reduced);
    if (splits == 1) {
        sumToKernel<<<blocksFor(kept.n), kThreads, 0, stream>>>(out, x, kept, reduced);
        return cudaGetLastError();
    }
    if (!partial) return cudaErrorInvalidValue;
    partialKernel<<<blocksFor(kept.n * splits), kThreads, 0, stream>>>(partial, x, kept, reduced, splits);
    combineKernel<<<blocksFor(kept.n), kThreads, 0, stream>>>(out, partial, kept.n, splits);
    return cudaGetLastError();
}

void hostSumTo(float* out, const float* x, const Layout& kept, const Layout& reduced)
{
    const int64_t splits = sumToSplits(kept, reduced);
    if (splits == 1) {
        for (int64_t i = 0; i < kept.n; ++i)
            sumToAt(out, x, kept, reduced, i);
        return;
    }
    std::vector<double> partial(size_t(kept.n * splits));
    for (int64_t t = 0; t < kept.n * splits; ++t)
        partialAt(partial.data(), x, kept, reduced, splits, t);
    for (int64_t i = 0; i < kept.n; ++i)
        combineAt(out, partial.data(), kept.n, splits, i);
}

} // namespace loupe::compute::cuda
