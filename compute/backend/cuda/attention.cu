// SPDX-License-Identifier: MIT
// Fused attention, flash-attention style: a block takes kRows query rows of one (batch, head), walks the
// keys kAttentionTile at a time through shared memory and keeps, per query row, a running max, a running
// sum and the output accumulator in f32 (the online softmax), so the [M, N] probabilities never exist.
// kLanes threads share a query row: each holds every kLanes-th element of the query and of the output,
// and the partial dot products are summed across the lanes with two shuffles. The tile step, the lane's
// share of a dot product and the final division are __host__ __device__ so hostAttention runs the same
// arithmetic with the same partition (kernels.h).
#include "compute/backend/cuda/kernels.h"

#include <cmath>
#include <vector>

// Loops over a lane's elements and a tile's scores are unrolled on the device, so the arrays they index
// stay in registers.
#ifdef __CUDA_ARCH__
#define LOUPE_UNROLL _Pragma("unroll")
#else
#define LOUPE_UNROLL
#endif

namespace loupe::compute::cuda {

namespace {

constexpr int kLanes = 4;                            // threads per query row
constexpr int kRows = 32;                            // query rows per block
constexpr int kThreads = kRows * kLanes;             // 128
constexpr int kPerLane = kAttentionMaxHead / kLanes; // query and output elements each lane holds

// Copies keys (or values) [n0, n0 + count) of one head into `tile` as packed rows of `dim`; thread t of
// nt copies elements t, t + nt, ... (consecutive threads read consecutive elements of a row).
__host__ __device__ void loadTile(float* tile, const float* head, int64_t rowStride, int64_t colStride,
                                  int64_t n0, int count, int64_t dim, int t, int nt)
{
    const int64_t total = int64_t(count) * dim;
    for (int64_t i = t; i < total; i += nt) {
        const int64_t r = i / dim, c = i % dim;
        tile[i] = head[(n0 + r) * rowStride + c * colStride];
    }
}

// The lane's elements d = lane, lane + kLanes, ... of one query row (0 past D, or for an inactive row).
__host__ __device__ void loadQuery(float* qv, const float* row, int64_t D, int64_t stride, int lane,
                                   bool active)
{
    LOUPE_UNROLL
    for (int j = 0; j < kPerLane; ++j) {
        const int64_t d = lane + int64_t(kLanes) * j;
        qv[j] = active && d < D ? row[d * stride] : 0.f;
    }
}

__host__ __device__ float lanePartialDot(const float* qv, const float* krow, int64_t D, int lane)
{
    float s = 0;
    LOUPE_UNROLL
    for (int j = 0; j < kPerLane; ++j) {
        const int64_t d = lane + int64_t(kLanes) * j;
        if (d < D) s += qv[j] * krow[d];
    }
    return s;
}

// The score of key n: scale * (q.k + bias), as the CPU reference.
__host__ __device__ float scoreOf(float dot, const float* biasRow, int64_t n, int64_t biasStride, float scale)
{
    return scale * (biasRow ? dot + biasRow[n * biasStride] : dot);
}

// One tile of `count` scores folded into the running state of a query row (this lane's share of the
// accumulator). While every score so far is -inf the state stays at zero (no inf - inf), so a fully
// masked row ends as 0 / 0 = NaN, the softmax of nothing (the CPU's vectorised exp need not give 0
// for -inf, so its answer for such a row differs).
template <int kMaxTile>
__host__ __device__ void onlineUpdate(float& runMax, float& runSum, float* acc, const float* scores,
                                      int count, const float* vtile, int64_t Dv, int lane)
{
    float tileMax = -INFINITY;
    LOUPE_UNROLL
    for (int n = 0; n < kMaxTile; ++n)
        if (n < count) tileMax = fmaxf(tileMax, scores[n]);
    const float newMax = fmaxf(runMax, tileMax);
    const float shift = newMax == -INFINITY ? 0.f : newMax;
    const float correction = expf(runMax - shift);
    runSum *= correction;
    LOUPE_UNROLL
    for (int j = 0; j < kPerLane; ++j)
        acc[j] *= correction;
    LOUPE_UNROLL
    for (int n = 0; n < kMaxTile; ++n) {
        if (n >= count) continue; // not break: a fixed trip count keeps `scores` in registers
        const float p = expf(scores[n] - shift);
        runSum += p;
        const float* vrow = vtile + n * Dv;
        LOUPE_UNROLL
        for (int j = 0; j < kPerLane; ++j) {
            const int64_t d = lane + int64_t(kLanes) * j;
            if (d < Dv) acc[j] += p * vrow[d];
        }
    }
    runMax = newMax;
}

__host__ __device__ void writeRow(float* orow, const float* acc, float runSum, int64_t Dv, int lane)
{
    const float inv = 1.f / runSum;
    LOUPE_UNROLL
    for (int j = 0; j < kPerLane; ++j) {
        const int64_t d = lane + int64_t(kLanes) * j;
        if (d < Dv) orow[d] = acc[j] * inv;
    }
}

// The pieces of a block's work: which (batch, head) and query row a thread serves.
struct Place
{
    int64_t b, h, m;
    int row, lane;
};
__host__ __device__ Place placeOf(const AttentionShape& s, int64_t block, int thread)
{
    const int64_t mTiles = (s.M + kRows - 1) / kRows;
    const int64_t bh = block / mTiles;
    Place p;
    p.b = bh / s.H;
    p.h = bh % s.H;
    p.row = thread / kLanes;
    p.lane = thread % kLanes;
    p.m = (block % mTiles) * kRows + p.row;
    return p;
}

__global__ void __launch_bounds__(kThreads)
    attentionKernel(float* out, const float* q, const float* k, const float* v, const float* bias,
                    AttentionShape s)
{
    __shared__ float ktile[kAttentionTile * kAttentionMaxHead];
    __shared__ float vtile[kAttentionTile * kAttentionMaxHead];
    const Place p = placeOf(s, blockIdx.x, threadIdx.x);
    const bool active = p.m < s.M; // inactive threads still load tiles and take part in the shuffles
    float qv[kPerLane], acc[kPerLane], scores[kAttentionTile];
    loadQuery(qv, q + p.b * s.sq[0] + p.h * s.sq[1] + (active ? p.m : 0) * s.sq[2], s.D, s.sq[3], p.lane,
              active);
    LOUPE_UNROLL
    for (int j = 0; j < kPerLane; ++j)
        acc[j] = 0.f;
    float runMax = -INFINITY, runSum = 0.f;
    const float* kh = k + p.b * s.sk[0] + p.h * s.sk[1];
    const float* vh = v + p.b * s.sv[0] + p.h * s.sv[1];
    const float* biasRow =
        bias && active ? bias + p.b * s.sbias[0] + p.h * s.sbias[1] + p.m * s.sbias[2] : nullptr;
    for (int64_t n0 = 0; n0 < s.N; n0 += kAttentionTile) {
        const int count = int(s.N - n0 < kAttentionTile ? s.N - n0 : kAttentionTile);
        __syncthreads(); // the previous tile has been read
        loadTile(ktile, kh, s.sk[2], s.sk[3], n0, count, s.D, threadIdx.x, kThreads);
        loadTile(vtile, vh, s.sv[2], s.sv[3], n0, count, s.Dv, threadIdx.x, kThreads);
        __syncthreads();
        LOUPE_UNROLL
        for (int n = 0; n < kAttentionTile; ++n) {
            if (n >= count) continue; // `count` is the same for the whole block: the shuffles stay converged
            float dot = lanePartialDot(qv, ktile + n * s.D, s.D, p.lane);
            dot += __shfl_xor_sync(0xffffffffu, dot, 1);
            dot += __shfl_xor_sync(0xffffffffu, dot, 2);
            scores[n] = scoreOf(dot, biasRow, n0 + n, s.sbias[3], s.scale);
        }
        onlineUpdate<kAttentionTile>(runMax, runSum, acc, scores, count, vtile, s.Dv, p.lane);
    }
    if (active) writeRow(out + ((p.b * s.H + p.h) * s.M + p.m) * s.Dv, acc, runSum, s.Dv, p.lane);
}

template <int kMaxTile>
void hostAttentionTiled(float* out, const float* q, const float* k, const float* v, const float* bias,
                        const AttentionShape& s, int tileN)
{
    const int64_t blocks = s.B * s.H * ((s.M + kRows - 1) / kRows);
    std::vector<float> ktile(size_t(tileN * s.D)), vtile(size_t(tileN * s.Dv));
    struct Thread
    {
        Place p;
        bool active;
        float qv[kPerLane], acc[kPerLane], runMax, runSum;
        const float* biasRow;
    };
    std::vector<Thread> th(kThreads);
    for (int64_t block = 0; block < blocks; ++block) {
        const Place p0 = placeOf(s, block, 0);
        const float* kh = k + p0.b * s.sk[0] + p0.h * s.sk[1];
        const float* vh = v + p0.b * s.sv[0] + p0.h * s.sv[1];
        for (int t = 0; t < kThreads; ++t) {
            Thread& x = th[size_t(t)];
            x.p = placeOf(s, block, t);
            x.active = x.p.m < s.M;
            loadQuery(x.qv, q + x.p.b * s.sq[0] + x.p.h * s.sq[1] + (x.active ? x.p.m : 0) * s.sq[2], s.D,
                      s.sq[3], x.p.lane, x.active);
            for (float& a : x.acc)
                a = 0.f;
            x.runMax = -INFINITY;
            x.runSum = 0.f;
            x.biasRow = bias && x.active ? bias + x.p.b * s.sbias[0] + x.p.h * s.sbias[1] + x.p.m * s.sbias[2]
                                         : nullptr;
        }
        for (int64_t n0 = 0; n0 < s.N; n0 += tileN) {
            const int count = int(s.N - n0 < tileN ? s.N - n0 : tileN);
            for (int t = 0; t < kThreads; ++t) {
                loadTile(ktile.data(), kh, s.sk[2], s.sk[3], n0, count, s.D, t, kThreads);
                loadTile(vtile.data(), vh, s.sv[2], s.sv[3], n0, count, s.Dv, t, kThreads);
            }
            for (int row = 0; row < kRows; ++row) {
                float scores[kMaxTile];
                for (int n = 0; n < count; ++n) {
                    float part[kLanes];
                    for (int lane = 0; lane < kLanes; ++lane)
                        part[lane] = lanePartialDot(th[size_t(row * kLanes + lane)].qv,
                                                    ktile.data() + n * s.D, s.D, lane);
                    const float dot = (part[0] + part[1]) + (part[2] + part[3]); // the two xor shuffles
                    scores[n] = scoreOf(dot, th[size_t(row * kLanes)].biasRow, n0 + n, s.sbias[3], s.scale);
                }
                for (int lane = 0; lane < kLanes; ++lane) {
                    Thread& x = th[size_t(row * kLanes + lane)];
                    onlineUpdate<kMaxTile>(x.runMax, x.runSum, x.acc, scores, count, vtile.data(), s.Dv,
                                           lane);
                }
            }
        }
        for (const Thread& x : th)
            if (x.active)
                writeRow(out + ((x.p.b * s.H + x.p.h) * s.M + x.p.m) * s.Dv, x.acc, x.runSum, s.Dv, x.p.lane);
    }
}

} // namespace

cudaError_t launchAttention(cudaStream_t stream, float* out, const float* q, const float* k, const float* v,
                            const float* bias, const AttentionShape& s)
{
    if (s.D > kAttentionMaxHead || s.Dv > kAttentionMaxHead || s.D < 1 || s.Dv < 1)
        return cudaErrorInvalidValue;
    const int64_t blocks = s.B * s.H * ((s.M + kRows - 1) / kRows);
    if (blocks == 0) return cudaSuccess;
    if (blocks > 0x7fffffff) return cudaErrorInvalidConfiguration;
    attentionKernel<<<unsigned(blocks), kThreads, 0, stream>>>(out, q, k, v, bias, s);
    return cudaGetLastError();
}

void hostAttention(float* out, const float* q, const float* k, const float* v, const float* bias,
                   const AttentionShape& s, int tileN)
{
    if (tileN < 1 || tileN > kAttentionMaxTile || s.D > kAttentionMaxHead || s.Dv > kAttentionMaxHead) return;
    hostAttentionTiled<kAttentionMaxTile>(out, q, k, v, bias, s, tileN);
}

} // namespace loupe::compute::cuda
