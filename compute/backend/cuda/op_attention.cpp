// SPDX-License-Identifier: MIT
// Fused attention (attention.cu) on strided q/k/v views and a broadcast bias, read in place. Head dims the
// kernel cannot hold in registers go through the unfused path: scores = q k^T (+ bias) in scratch, the
// row softmax, then the product with v.
#include "compute/backend/cuda/check.h"
#include "compute/backend/cuda/ops.h"
#include "compute/error.h"

namespace loupe::compute::cuda {

namespace {

// The bias's strides right-aligned to [B, H, M, N], 0 on broadcast dims.
void biasStrides(const DTensor& bias, int64_t out[4])
{
    if (bias.shape.size() > 4) throw Error("cuda", "attention: the bias has more than 4 dims");
    const size_t lead = 4 - bias.shape.size();
    for (size_t i = 0; i < 4; ++i)
        out[i] = 0;
    for (size_t i = 0; i < bias.shape.size(); ++i)
        out[lead + i] = bias.shape[i] == 1 ? 0 : bias.strides[i];
}

void unfusedAttention(Exec& x, const DTensor& out, const DTensor& q, const DTensor& k, const DTensor& v,
                      const DTensor* bias, float scale)
{
    const int64_t B = q.shape[0], H = q.shape[1], M = q.shape[2], D = q.shape[3], N = k.shape[2];
    const Shape sShape{B, H, M, N};
    const DTensor scores{x.scratch->takeF32(B * H * M * N), sShape, contiguousStrides(sShape)};
    const DTensor kT{k.data, {B, H, D, N}, {k.strides[0], k.strides[1], k.strides[3], k.strides[2]}};
    matmul(x, scores, q, kT);
    if (bias) binary(x, Op::Add, scores, scores, *bias); // each element read and written by one thread
    softmax(x, scores, scores, scale);                   // in place: a row is read before it is written
    matmul(x, out, scores, v);
}

} // namespace

void attention(Exec& x, const DTensor& out, const DTensor& q, const DTensor& k, const DTensor& v,
               const DTensor* bias, float scale)
{
    if (q.shape.size() != 4 || k.shape.size() != 4 || v.shape.size() != 4)
        throw Error("cuda", "attention: q, k and v must be rank 4");
    AttentionShape s;
    s.B = q.shape[0];
    s.H = q.shape[1];
    s.M = q.shape[2];
    s.D = q.shape[3];
    s.N = k.shape[2];
    s.Dv = v.shape[3];
    s.scale = scale;
    if (s.D > kAttentionMaxHead || s.Dv > kAttentionMaxHead) {
        unfusedAttention(x, out, q, k, v, bias, scale);
        return;
    }
    for (int i = 0; i < 4; ++i) {
        s.sq[i] = q.strides[size_t(i)];
        s.sk[i] = k.strides[size_t(i)];
        s.sv[i] = v.strides[size_t(i)];
    }
    if (bias) biasStrides(*bias, s.sbias);
    check(launchAttention(x.stream, out.data, q.data, k.data, v.data, bias ? bias->data : nullptr, s),
          "attention");
}

} // namespace loupe::compute::cuda
