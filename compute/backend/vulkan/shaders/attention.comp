#version 450
// Fused attention softmax(scale * (q k^T + bias)) v, one workgroup per (b, h, block of BM query rows,
// slice of DVT * TN output columns). Keys are visited in tiles of TN with an online softmax: each row
// keeps its running max and sum, the accumulator is rescaled when the max grows, so probabilities are
// never stored. Scores and sums are f32. A row whose scores are all -inf gives NaN, as on the CPU.
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
const int TN = 64;  // keys per tile, one per invocation; also the width of a query slice
const int DVT = 4;  // output columns per invocation: a workgroup covers DVT * TN of them
const float NEG_INF = -1.0 / 0.0;

shared float qt[BM][TN]; // a TN-wide slice of the block's query rows
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

    float acc[BM][DVT];
    for (int r = 0; r < BM; ++r)
        for (int c = 0; c < DVT; ++c)
            acc[r][c] = 0.0;
    float rowMax = NEG_INF, rowSum = 0.0; // row t's, for t < BM

    for (int n0 = 0; n0 < p.N; n0 += TN) {
        int n = n0 + t;
        bool key = n < p.N;
        float sc[BM];
        for (int r = 0; r < BM; ++r)
            sc[r] = 0.0;
        for (int d0 = 0; d0 < p.D; d0 += TN) {
            for (int e = t; e < BM * TN; e += 64) {
                int r = e / TN, c = e - r * TN, d = d0 + c;
                qt[r][c] = (r < rows && d < p.D) ? q[qBase + (m0 + r) * p.qs.z + d * p.qs.w] : 0.0;
            }
            barrier();
            if (key) {
                int dn = min(TN, p.D - d0);
                int kRow = kBase + n * p.ks.z + d0 * p.ks.w;
                for (int c = 0; c < dn; ++c) {
                    float kv = k[kRow + c * p.ks.w];
                    for (int r = 0; r < BM; ++r)
                        sc[r] += qt[r][c] * kv;
                }
            }
            barrier();
        }
        for (int r = 0; r < BM; ++r) {
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
        for (int r = 0; r < BM; ++r)
            for (int c = 0; c < DVT; ++c)
                acc[r][c] *= corr[r];
        int tn = min(TN, p.N - n0);
        for (int j = 0; j < tn; ++j) {
            int vRow = vBase + (n0 + j) * p.vs.z;
            for (int c = 0; c < DVT; ++c) {
                int dv = dv0 + t + c * TN;
                float vv = dv < p.Dv ? v[vRow + dv * p.vs.w] : 0.0;
                for (int r = 0; r < BM; ++r)
                    acc[r][c] += s[r][j] * vv;
            }
        }
        barrier();
    }
    if (t < BM) corr[t] = 1.0 / rowSum;
    barrier();
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < DVT; ++c) {
            int dv = dv0 + t + c * TN;
            if (dv < p.Dv) o[int(p.offO) + (bh * p.M + m0 + r) * p.Dv + dv] = acc[r][c] * corr[r];
        }
}
