#version 450
#extension GL_EXT_control_flow_attributes : require
// Fused attention softmax(scale * (q k^T + bias)) v, one workgroup per (b, h, block of BM query rows,
// slice of TV output columns). Keys are visited in tiles of TN with an online softmax: each row keeps
// its running max and sum, the accumulator is rescaled when the max grows, so probabilities are never
// stored. Scores and sums are f32. A row whose scores are all -inf gives NaN.
// Each invocation owns a 4x4 block (4 rows by 4 keys for the scores, 4 rows by 4 output columns for
// the accumulator), so every value it loads feeds four multiply-adds.
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

const int BM = 16; // query rows per workgroup
const int TN = 64; // keys per tile
const int TD = 32; // head-dim columns of q and k staged at a time
const int TV = 64; // output columns per workgroup
const float NEG_INF = -1.0 / 0.0;

// 14.5 KiB: under the 16 KiB of shared memory every device has.
shared float qt[BM][TD];     // a TD-wide slice of the block's query rows
shared float kt[TD][TN + 1]; // the same columns of the tile's keys, transposed (+1: no bank conflicts)
shared float s[BM][TN + 1];  // the tile's scores, then its unnormalised probabilities
shared float corr[BM];       // per row: the accumulator's rescale for this tile, at the end 1 / sum

void main()
{
    int t = int(gl_LocalInvocationID.x);
    int r0 = (t / 16) * 4; // this invocation's 4 rows: r0 .. r0 + 3
    int g = t % 16;        // its keys and output columns: g, g + 16, g + 32, g + 48
    int m0 = int(gl_WorkGroupID.x) * BM;
    int bh = int(gl_WorkGroupID.y);
    int b = bh / p.H, h = bh - b * p.H;
    int dv0 = int(gl_WorkGroupID.z) * TV;
    int qBase = int(p.offQ) + b * p.qs.x + h * p.qs.y;
    int kBase = int(p.offK) + b * p.ks.x + h * p.ks.y;
    int vBase = int(p.offV) + b * p.vs.x + h * p.vs.y;
    int bBase = int(p.offB) + b * p.bs.x + h * p.bs.y;
    int rows = min(BM, p.M - m0);

    float acc[4][4];
    [[unroll]] for (int i = 0; i < 4; ++i)
        [[unroll]] for (int c = 0; c < 4; ++c)
            acc[i][c] = 0.0;
    float rowMax = NEG_INF, rowSum = 0.0; // row t's, for t < BM

    for (int n0 = 0; n0 < p.N; n0 += TN) {
        float sc[4][4];
        [[unroll]] for (int i = 0; i < 4; ++i)
            [[unroll]] for (int j = 0; j < 4; ++j)
                sc[i][j] = 0.0;
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
                float qv[4], kv[4];
                [[unroll]] for (int i = 0; i < 4; ++i) {
                    qv[i] = qt[r0 + i][c];
                    kv[i] = kt[c][g + 16 * i];
                }
                [[unroll]] for (int i = 0; i < 4; ++i)
                    [[unroll]] for (int j = 0; j < 4; ++j)
                        sc[i][j] += qv[i] * kv[j];
            }
            barrier();
        }
        [[unroll]] for (int i = 0; i < 4; ++i)
            [[unroll]] for (int j = 0; j < 4; ++j) {
                int r = r0 + i, n = n0 + g + 16 * j;
                float z = NEG_INF;
                if (r < rows && n < p.N) {
                    float dot = sc[i][j];
                    if (p.hasBias != 0u) dot += bias[bBase + (m0 + r) * p.bs.z + n * p.bs.w];
                    z = p.scale * dot;
                }
                s[r][g + 16 * j] = z;
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
        [[unroll]] for (int i = 0; i < 4; ++i) {
            float f = corr[r0 + i];
            [[unroll]] for (int c = 0; c < 4; ++c)
                acc[i][c] *= f;
        }
        int tn = min(TN, p.N - n0);
        for (int j = 0; j < tn; ++j) {
            int vRow = vBase + (n0 + j) * p.vs.z;
            float pv[4], vv[4];
            [[unroll]] for (int i = 0; i < 4; ++i) {
                pv[i] = s[r0 + i][j];
                int dv = dv0 + g + 16 * i;
                vv[i] = dv < p.Dv ? v[vRow + dv * p.vs.w] : 0.0;
            }
            [[unroll]] for (int i = 0; i < 4; ++i)
                [[unroll]] for (int c = 0; c < 4; ++c)
                    acc[i][c] += pv[i] * vv[c];
        }
        barrier();
    }
    if (t < BM) corr[t] = 1.0 / rowSum;
    barrier();
    [[unroll]] for (int i = 0; i < 4; ++i)
        [[unroll]] for (int c = 0; c < 4; ++c) {
            int r = r0 + i, dv = dv0 + g + 16 * c;
            if (r < rows && dv < p.Dv) o[int(p.offO) + (bh * p.M + m0 + r) * p.Dv + dv] = acc[i][c] * corr[r];
        }
}
