// The tiled GEMM shared by gemm.comp (f32 B) and gemm_f16.comp (f16 B, f32 arithmetic): B_TYPE is
// the element type of B's buffer and LOAD_B(i) reads element i of B as a float.
// C[z] = act(A[z] x B[z] + bias) + residual, tiled through shared memory: a 64x64 tile of C per
// workgroup of 64 threads, 8x8 outputs per thread, K in steps of 32 (fewer, fatter threads and fewer
// barriers measured 2-3x faster than 256 threads x 4x4 on lavapipe). A and B have arbitrary element strides (so a
// PyTorch [N, K] weight is B with bRow = 1); z runs over two batch dims. In im2col mode A is read
// straight from an NCHW image: row m is patch (m / gw, m % gw), column k is (c, ky, kx).
#include "common.glsl"
layout(local_size_x = 64) in;
layout(std430, binding = 0) readonly buffer A { float a[]; };
layout(std430, binding = 1) readonly buffer B { B_TYPE b[]; };
layout(std430, binding = 2) writeonly buffer C { float c[]; };
layout(std430, binding = 3) readonly buffer Bias { float bias[]; };
layout(std430, binding = 4) readonly buffer R { float res[]; };

layout(push_constant) uniform Params
{
    int M, N, K;
    int aRow, aCol, bRow, bCol;
    int batch1;
    int aB0, aB1, bB0, bB1, cB0, cB1;
    int cRow;
    uint offA, offB, offC, offBias, offR;
    int rRow, rB0, rB1;
    uint flags; // bits 0-7 activation, 8 bias, 9 residual, 10 im2col
    int patchGw, patchSize;
} p;

shared float As[32][64];
shared float Bs[32][64];

int aIndex(int m, int k)
{
    if ((p.flags & 1024u) != 0u) {
        int P = p.patchSize;
        int py = m / p.patchGw, px = m - py * p.patchGw;
        int ch = k / (P * P), rem = k - ch * P * P;
        int ky = rem / P, kx = rem - ky * P;
        return (py * P + ky) * p.aRow + px * P + kx + ch * p.aCol;
    }
    return m * p.aRow + k * p.aCol;
}

void main()
{
    int tid = int(gl_LocalInvocationID.x);
    int tx = tid % 8, ty = tid / 8;
    int m0 = int(gl_WorkGroupID.y) * 64, n0 = int(gl_WorkGroupID.x) * 64;
    int z = int(gl_WorkGroupID.z);
    int z0 = z / p.batch1, z1 = z - z0 * p.batch1;
    int aBase = int(p.offA) + z0 * p.aB0 + z1 * p.aB1;
    int bBase = int(p.offB) + z0 * p.bB0 + z1 * p.bB1;
    bool aAlongK = p.aCol == 1 || (p.flags & 1024u) != 0u;
    bool bAlongK = p.bRow == 1 && p.bCol != 1;
    float acc[8][8];
    [[unroll]] for (int i = 0; i < 8; ++i)
        [[unroll]] for (int j = 0; j < 8; ++j)
            acc[i][j] = 0.0;
    for (int k0 = 0; k0 < p.K; k0 += 32) {
        [[unroll]] for (int l = 0; l < 32; ++l) {
            int e = tid + l * 64;
            // Neighbouring threads read neighbouring addresses whichever way the operand is laid out.
            int m = aAlongK ? e / 32 : e % 64, ka = aAlongK ? e % 32 : e / 64;
            int gm = m0 + m, gka = k0 + ka;
            As[ka][m] = (gm < p.M && gka < p.K) ? a[aBase + aIndex(gm, gka)] : 0.0;
            int n = bAlongK ? e / 32 : e % 64, kb = bAlongK ? e % 32 : e / 64;
            int gn = n0 + n, gkb = k0 + kb;
            Bs[kb][n] = (gn < p.N && gkb < p.K) ? LOAD_B(bBase + gkb * p.bRow + gn * p.bCol) : 0.0;
        }
        barrier();
        [[unroll]] for (int k = 0; k < 32; ++k) {
            float av[8], bv[8];
            [[unroll]] for (int i = 0; i < 8; ++i) {
                av[i] = As[k][ty + 8 * i];
                bv[i] = Bs[k][tx + 8 * i];
            }
            [[unroll]] for (int i = 0; i < 8; ++i)
                [[unroll]] for (int j = 0; j < 8; ++j)
                    acc[i][j] += av[i] * bv[j];
        }
        barrier();
    }
    uint act = p.flags & 255u;
    bool hasBias = (p.flags & 256u) != 0u, hasRes = (p.flags & 512u) != 0u;
    [[unroll]] for (int i = 0; i < 8; ++i) {
        int gm = m0 + ty + 8 * i;
        if (gm >= p.M) continue;
        [[unroll]] for (int j = 0; j < 8; ++j) {
            int gn = n0 + tx + 8 * j;
            if (gn >= p.N) continue;
            float v = acc[i][j];
            if (hasBias) v += bias[int(p.offBias) + gn];
            v = activate(v, act);
            if (hasRes) v += res[int(p.offR) + z0 * p.rB0 + z1 * p.rB1 + gm * p.rRow + gn];
            c[int(p.offC) + z0 * p.cB0 + z1 * p.cB1 + gm * p.cRow + gn] = v;
        }
    }
}
