#version 450
// Fused attention softmax(scale * (q k^T + bias)) v, one workgroup per (b, h, block of BM query rows,
// slice of DVT * TN output columns). Keys are visited in tiles of TN with an online softmax: each row
// keeps its running max and sum, the accumulator is rescaled when the max grows, so probabilities are
// never stored. Scores and sums are f32. A row whose scores are all -inf gives NaN, as on the CPU.
#extension GL_EXT_control_flow_attributes : require
#include "common.glsl"
layout(local_size_x = 64) in;
layout(std430, binding = 0) readonly buffer Q { float q[]; };
layout(std430, binding = 1) readonly buffer K { float k[]; };
layout(std430, binding = 2) writeonly buffer O { float o[]; };
layout(std430, binding = 3) readonly buffer V { float v[]; };
layout(std430, binding = 4) readonly buffer Bias { float bias[]; };
layout(push_constant) uniform Params
{
    ivec4 qs, ks, vs; // strides of q [B,H,M,D], k [B,H,N,D], v [B,H,N,Dv]
    ivec4 bs;         // strides of the bias broadcast to [B,H,M,N] (0 along broadcast dims)
    int H, M, N, D, Dv;
    uint offQ, offK, offV, offB, offO;
    uint hasBias;
    float scale;
} p;

const int BM = 16;  // query rows per workgroup
const int TN = 64;  // keys per tile, one per invocation
const int TD = 32;  // head-dim columns of q and k staged at a time
const int DVT = 4;  // output columns per invocation: a workgroup covers DVT * TN of them
const float NEG_INF = -1.0 / 0.0;

// Under the 16 KiB of shared memory every device has.
shared float qt[BM][TD];     // a TD-wide slice of the block's query rows
shared float kt[TD][TN + 1]; // the same columns of the tile's keys, transposed (+1: no bank conflicts)
shared float s[BM][TN];  // one tile's scores, then its unnormalised probabilities
shared float corr[BM];   // per row: the rescale of the accumulator for this tile, at the end 1 / sum

void main()
{
    int t = int(gl_LocalInvocationID.x);
    int m0 = int(gl_WorkGroupID.x) * BM;
    int bh = int(gl_WorkGroupID.y);
    int b = bh / p.H, h = bh - b * p.H;
    int dv0 = int(gl_WorkGroupID.z) * TN * DVT;
    int qBase = int(p.offQ) + b * p.qs.x + h * p.qs.y;
    int kBase = int(p.offK) + b * p.ks.x + h * p.ks.y;
    int vBase = int(p.offV) + b * p.vs.x + h * p.vs.y;
    int bBase = int(p.offB) + b * p.bs.x + h * p.bs.y;
    int rows = min(BM, p.M - m0);
    int cols = min(DVT, (p.Dv - dv0 + TN - 1) / TN); // output columns per invocation in use (uniform)

    float acc[BM][DVT];
    [[unroll]] for (int r = 0; r < BM; ++r)
        [[unroll]] for (int c = 0; c < DVT; ++c)
            acc[r][c] = 0.0;
    float rowMax = NEG_INF, rowSum = 0.0; // row t's, for t < BM

    for (int n0 = 0; n0 < p.N; n0 += TN) {
        int n = n0 + t;
        bool key = n < p.N;
        float sc[BM];
        [[unroll]] for (int r = 0; r < BM; ++r)
            sc[r] = 0.0;
        for (int d0 = 0; d0 < p.D; d0 += TD) {
            // Neighbouring invocations read neighbouring columns of one row of q, then of k.
            for (int e = t; e < BM * TD; e += 64) {
                int r = e / TD, c = e - r * TD, d = d0 + c;
                qt[r][c] = (r < rows && d < p.D) ? q[qBase + (m0 + r) * p.qs.z + d * p.qs.w] : 0.0;
            }
            for (int e = t; e < TN * TD; e += 64) {
                int j = e / TD, c = e - j * TD, d = d0 + c;
                kt[c][j] = (n0 + j < p.N && d < p.D) ? k[kBase + (n0 + j) * p.ks.z + d * p.ks.w] : 0.0;
            }
            barrier();
            int dn = min(TD, p.D - d0);
            for (int c = 0; c < dn; ++c) {
                float kv = kt[c][t];
                [[unroll]] for (int r = 0; r < BM; ++r)
                    sc[r] += qt[r][c] * kv;
            }
            barrier();
        }
        [[unroll]] for (int r = 0; r < BM; ++r) {
            float z = NEG_INF;
            if (key && r < rows) {
                float dot = sc[r];
                if (p.hasBias != 0u) dot += bias[bBase + (m0 + r) * p.bs.z + n * p.bs.w];
                z = p.scale * dot;
            }
            s[r][t] = z;
        }
        barrier();
        if (t < BM) {
            float tileMax = NEG_INF;
            for (int j = 0; j < TN; ++j)
                tileMax = max(tileMax, s[t][j]);
            float newMax = max(rowMax, tileMax);
            // No finite score yet: nothing to shift by (exp(-inf) stays 0, an all -inf row ends 0/0).
            float shift = isinf(newMax) ? 0.0 : newMax;
            float c = isinf(rowMax) ? 0.0 : exp(rowMax - shift);
            float sum = 0.0;
            for (int j = 0; j < TN; ++j) {
                float e = exp(s[t][j] - shift);
                s[t][j] = e;
                sum += e;
            }
            rowSum = rowSum * c + sum;
            rowMax = newMax;
            corr[t] = c;
        }
        barrier();
        [[unroll]] for (int r = 0; r < BM; ++r)
            [[unroll]] for (int c = 0; c < DVT; ++c)
                acc[r][c] *= corr[r];
        int tn = min(TN, p.N - n0);
        for (int j = 0; j < tn; ++j) {
            int vRow = vBase + (n0 + j) * p.vs.z;
            // Unrolled with constant indices, so acc stays in registers; columns past Dv are skipped
            // for the whole workgroup (a 64-wide head does a quarter of the work of a 256-wide one).
            [[unroll]] for (int c = 0; c < DVT; ++c) {
                if (c < cols) {
                    int dv = dv0 + t + c * TN;
                    float vv = dv < p.Dv ? v[vRow + dv * p.vs.w] : 0.0;
                    [[unroll]] for (int r = 0; r < BM; ++r)
                        acc[r][c] += s[r][j] * vv;
                }
            }
        }
        barrier();
    }
    if (t < BM) corr[t] = 1.0 / rowSum;
    barrier();
    [[unroll]] for (int r = 0; r < BM; ++r)
        [[unroll]] for (int c = 0; c < DVT; ++c) {
            int dv = dv0 + t + c * TN;
            if (r < rows && dv < p.Dv) o[int(p.offO) + (bh * p.M + m0 + r) * p.Dv + dv] = acc[r][c] * corr[r];
        }
}
