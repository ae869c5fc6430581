// SPDX-License-Identifier: MIT
#include "compute/backend/cpu/ops.h"
#include "compute/backend/cpu/vmath.h"
#include "compute/cpu_options.h"
#include "compute/threadpool.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace loupe::compute::cpu {

namespace {

// Scores of one tile per head stay under this many bytes (all heads together): a ViT-B/16 layer at
// batch 8 (96 heads x 197 x 197) is one tile, so its GEMMs are the unfused MatMuls' and give their
// numbers bit for bit; SAM's global layers (12 heads x 4096 x 4096) are blocks of 341 query rows x 1024
// keys.
constexpr int64_t kTileBytes = int64_t(16) << 20;
constexpr int64_t kKeyTile = 1024;

// Bias element strides broadcast to [B, H, M, N] (0 where the bias has size 1 or lacks the dim).
Shape biasStrides(const Tensor* bias)
{
    Shape bs(4, 0);
    if (!bias) return bs;
    const size_t lead = 4 - bias->shape().size();
    for (size_t i = 0; i < bias->shape().size(); ++i)
        bs[lead + i] = bias->shape()[i] == 1 ? 0 : bias->strides()[i];
    return bs;
}

// The reference: one query row at a time, scores in f32, softmax max-subtracted, probabilities never
// stored. Operands are read through their strides. LOUPE_GEMM=naive selects it (for bisecting).
void attentionRows(const Tensor& out, const Tensor& q, const Tensor& k, const Tensor& v, const Tensor* bias,
                   float scale)
{
    const int64_t H = q.size(1), M = q.size(2), D = q.size(3), N = k.size(2), Dv = v.size(3);
    const Shape bs = biasStrides(bias);
    const float* bp = bias ? bias->ptr<float>() : nullptr;
    const float *qp = q.ptr<float>(), *kp = k.ptr<float>(), *vp = v.ptr<float>();
    float* op = out.ptr<float>();
    parallelFor(q.size(0) * H * M, 4, [&](int64_t r0, int64_t r1) {
        std::vector<float> s(static_cast<size_t>(N)), qrow(static_cast<size_t>(D)),
            acc(static_cast<size_t>(Dv));
        for (int64_t r = r0; r < r1; ++r) {
            const int64_t b = r / (H * M), h = (r / M) % H, m = r % M;
            const float* qr = qp + b * q.stride(0) + h * q.stride(1) + m * q.stride(2);
            for (int64_t d = 0; d < D; ++d)
                qrow[size_t(d)] = qr[d * q.stride(3)];
            const float* kb = kp + b * k.stride(0) + h * k.stride(1);
            for (int64_t n = 0; n < N; ++n) {
                const float* kr = kb + n * k.stride(2);
                float dot = 0;
                for (int64_t d = 0; d < D; ++d)
                    dot += qrow[size_t(d)] * kr[d * k.stride(3)];
                if (bp) dot += bp[b * bs[0] + h * bs[1] + m * bs[2] + n * bs[3]];
                s[size_t(n)] = dot;
            }
            const float mx = vmax(s.data(), N);
            const float shift = std::isfinite(mx) ? mx * scale : 0.f;
            vexpShifted(s.data(), s.data(), N, scale, shift);
            const float inv = 1.f / vsum(s.data(), N);
            std::fill(acc.begin(), acc.end(), 0.f);
            const float* vb = vp + b * v.stride(0) + h * v.stride(1);
            for (int64_t n = 0; n < N; ++n) {
                const float p = s[size_t(n)] * inv;
                const float* vr = vb + n * v.stride(2);
                for (int64_t d = 0; d < Dv; ++d)
                    acc[size_t(d)] += p * vr[d * v.stride(3)];
            }
            std::copy(acc.begin(), acc.end(), op + r * Dv);
        }
    });
}

// Blocks of query rows x key tiles for every head at once: S = q k^T and P v are batched GEMMs over
// (B, H) (oneDNN parallelises inside each call and serialises calls, so the GEMMs are issued from
// here, not from worker threads), the softmax is online across key tiles (running max and sum per
// row, the partial output rescaled when the max grows) and runs on the worker threads between them.
void attentionTiled(const Tensor& out, const Tensor& q, const Tensor& k, const Tensor& v, const Tensor* bias,
                    float scale)
{
    const int64_t B = q.size(0), H = q.size(1), M = q.size(2), D = q.size(3), N = k.size(2), Dv = v.size(3);
    const int64_t BH = B * H;
    const int64_t tiles = (N + kKeyTile - 1) / kKeyTile, nt = (N + tiles - 1) / tiles; // equal tiles
    const int64_t mb = std::min(M, std::max<int64_t>(16, kTileBytes / int64_t(sizeof(float)) / (BH * nt)));
    const bool tiled = nt < N;
    const Shape bs = biasStrides(bias);
    const float* bp = bias ? bias->ptr<float>() : nullptr;
    float* op = out.ptr<float>();

    // Reused across calls (and layers): a fresh vector would zero and fault in its pages every time.
    thread_local std::vector<float> scratch;
    const size_t sSize = size_t(BH * mb * nt), partSize = tiled ? size_t(BH * mb * Dv) : 0,
                 rows = size_t(BH * mb);
    if (scratch.size() < sSize + partSize + 3 * rows) scratch.resize(sSize + partSize + 3 * rows);
    float* const sData = scratch.data();
    float* const partData = sData + sSize;
    float* const rowMax = partData + partSize;
    float* const rowSum = rowMax + rows;
    float* const rowCorr = rowSum + rows;
    const float lowest = -std::numeric_limits<float>::infinity();

    for (int64_t m0 = 0; m0 < M; m0 += mb) {
        const int64_t mr = std::min(mb, M - m0);
        std::fill(rowMax, rowMax + rows, lowest);
        std::fill(rowSum, rowSum + rows, 0.f);
        for (int64_t n0 = 0; n0 < N; n0 += nt) {
            const int64_t nr = std::min(nt, N - n0);
            GemmProblem qk; // s[b, h] (mr x nr, row stride nt) = q rows x k rows^T
            qk.batch[0] = B;
            qk.batch[1] = H;
            qk.M = mr;
            qk.N = nr;
            qk.K = D;
            qk.a = q.ptr<float>() + m0 * q.stride(2);
            qk.aRow = q.stride(2);
            qk.aCol = q.stride(3);
            qk.aBatch[0] = q.stride(0);
            qk.aBatch[1] = q.stride(1);
            qk.b = k.ptr<float>() + n0 * k.stride(2);
            qk.bRow = k.stride(3);
            qk.bCol = k.stride(2);
            qk.bBatch[0] = k.stride(0);
            qk.bBatch[1] = k.stride(1);
            qk.c = sData;
            qk.cRow = nt;
            qk.cBatch[0] = H * mb * nt;
            qk.cBatch[1] = mb * nt;
            gemm(qk);

            const bool first = n0 == 0;
            parallelFor(BH * mr, 8, [&](int64_t r0, int64_t r1) {
                for (int64_t r = r0; r < r1; ++r) {
                    const int64_t bh = r / mr, i = r % mr, row = bh * mb + i;
                    float* x = sData + row * nt;
                    if (bp) {
                        const float* br =
                            bp + (bh / H) * bs[0] + (bh % H) * bs[1] + (m0 + i) * bs[2] + n0 * bs[3];
                        const int64_t st = bs[3];
                        for (int64_t n = 0; n < nr; ++n)
                            x[n] += br[n * st];
                    }
                    if (scale <= 0.f) vscale(x, nr, scale); // max(scale * x) is then scale * max(x)
                    const float sc = scale <= 0.f ? 1.f : scale;
                    const float tileMax = vmax(x, nr) * sc;
                    const float before = rowMax[row];
                    const float now = std::max(before, tileMax);
                    const float shift = std::isfinite(now) ? now : 0.f;
                    vexpShifted(x, x, nr, sc, shift);
                    // The earlier tiles' exps were taken with their own shift (0 while every score was -inf).
                    const float corr = first ? 0.f : std::exp((std::isfinite(before) ? before : 0.f) - shift);
                    if (!tiled) {
                        // One key tile: normalise here, as the Softmax op does, so the product with v
                        // is the unfused MatMul's (the same numbers, observed or not).
                        vscale(x, nr, 1.f / vsum(x, nr));
                        rowSum[row] = 1.f;
                    } else {
                        rowSum[row] = rowSum[row] * corr + vsum(x, nr);
                    }
                    rowMax[row] = now;
                    rowCorr[row] = corr;
                }
            });

            GemmProblem pv; // (partial) output rows = p tile x v rows
            pv.batch[0] = B;
            pv.batch[1] = H;
            pv.M = mr;
            pv.N = Dv;
            pv.K = nr;
            pv.a = sData;
            pv.aRow = nt;
            pv.aCol = 1;
            pv.aBatch[0] = H * mb * nt;
            pv.aBatch[1] = mb * nt;
            pv.b = v.ptr<float>() + n0 * v.stride(2);
            pv.bRow = v.stride(2);
            pv.bCol = v.stride(3);
            pv.bBatch[0] = v.stride(0);
            pv.bBatch[1] = v.stride(1);
            if (first) {
                pv.c = op + m0 * Dv;
                pv.cRow = Dv;
                pv.cBatch[0] = H * M * Dv;
                pv.cBatch[1] = M * Dv;
            } else {
                pv.c = partData;
                pv.cRow = Dv;
                pv.cBatch[0] = H * mb * Dv;
                pv.cBatch[1] = mb * Dv;
            }
            gemm(pv);
            if (first) continue;
            parallelFor(BH * mr, 8, [&](int64_t r0, int64_t r1) {
                for (int64_t r = r0; r < r1; ++r) {
                    const int64_t bh = r / mr, i = r % mr, row = bh * mb + i;
                    float* o = op + (bh * M + m0 + i) * Dv;
                    const float* p = partData + row * Dv;
                    const float corr = rowCorr[row];
                    for (int64_t d = 0; d < Dv; ++d)
                        o[d] = o[d] * corr + p[d];
                }
            });
        }
        if (!tiled) continue;
        parallelFor(BH * mr, 16, [&](int64_t r0, int64_t r1) {
            for (int64_t r = r0; r < r1; ++r) {
                const int64_t bh = r / mr, i = r % mr;
                vscale(op + (bh * M + m0 + i) * Dv, Dv, 1.f / rowSum[bh * mb + i]);
            }
        });
    }
}

} // namespace

// softmax(scale * (q k^T + bias)) v, the probabilities never stored beyond one tile.
void attention(const Tensor& out, const Tensor& q, const Tensor& k, const Tensor& v, const Tensor* bias,
               float scale)
{
    if (q.size(0) * q.size(1) * q.size(2) * v.size(3) == 0) return;
    if (cpuOptions().naiveGemm || k.size(2) == 0 || q.size(3) == 0)
        attentionRows(out, q, k, v, bias, scale);
    else
        attentionTiled(out, q, k, v, bias, scale);
}

} // namespace loupe::compute::cpu
