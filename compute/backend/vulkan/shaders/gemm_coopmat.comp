#version 450
#extension GL_NV_cooperative_matrix : require
#extension GL_KHR_memory_scope_semantics : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_EXT_control_flow_attributes : require
// Linear layers with f16 weights on tensor cores (VK_NV_cooperative_matrix): f16 inputs, f32
// accumulation. Used only where the device offers a 16x16x16 f16 x f16 + f32 subgroup matrix and a
// subgroup of 32 (compute/backend/vulkan/coopmat.cpp), else gemm_f16.comp runs. A 64x64 tile of C per
// workgroup of 4 subgroups, each 32x32 of it as 2x2 matrices; K in steps of 32 through shared memory,
// where A (f32 activations) is rounded to f16 and B (halves two to a word) is unpacked. The epilogue
// (bias, activation, residual, strided C) goes through a shared f32 tile, as in gemm_body.glsl.
// Parameters and bindings are gemm_body.glsl's.
#include "common.glsl"
layout(local_size_x = 128) in;
layout(std430, binding = 0) readonly buffer A { float a[]; };
layout(std430, binding = 1) readonly buffer B { uint b[]; };
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
    uint flags; // bits 0-7 activation, 8 bias, 9 residual, 10 im2col (never set here: Linear only)
    int patchGw, patchSize;
} p;

// Rows padded by 8 halves: 16-byte aligned matrix loads that do not all hit one bank.
const uint AS = 40, BS = 72;
shared float16_t As[64 * AS]; // [m][k]
shared float16_t Bs[32 * BS]; // [k][n]
shared float Cs[64 * 64];

#define F16MAT fcoopmatNV<16, gl_ScopeSubgroup, 16, 16>
#define F32MAT fcoopmatNV<32, gl_ScopeSubgroup, 16, 16>

float16_t loadB(int i)
{
    vec2 pair = unpackHalf2x16(b[i >> 1]);
    return float16_t((i & 1) == 0 ? pair.x : pair.y);
}

void main()
{
    int tid = int(gl_LocalInvocationID.x);
    uint sg = gl_SubgroupID;
    uint wm = (sg / 2u) * 32u, wn = (sg % 2u) * 32u; // this subgroup's 32x32 corner of the tile
    int m0 = int(gl_WorkGroupID.y) * 64, n0 = int(gl_WorkGroupID.x) * 64;
    int z = int(gl_WorkGroupID.z);
    int z0 = z / p.batch1, z1 = z - z0 * p.batch1;
    int aBase = int(p.offA) + z0 * p.aB0 + z1 * p.aB1;
    int bBase = int(p.offB) + z0 * p.bB0 + z1 * p.bB1;
    bool aAlongK = p.aCol == 1;
    bool bAlongK = p.bRow == 1 && p.bCol != 1;
    F32MAT acc00 = F32MAT(0.0), acc01 = F32MAT(0.0), acc10 = F32MAT(0.0), acc11 = F32MAT(0.0);
    for (int k0 = 0; k0 < p.K; k0 += 32) {
        [[unroll]] for (int l = 0; l < 16; ++l) {
            int e = tid + l * 128;
            int m = aAlongK ? e / 32 : e % 64, ka = aAlongK ? e % 32 : e / 64;
            int gm = m0 + m, gka = k0 + ka;
            As[uint(m) * AS + uint(ka)] =
                float16_t((gm < p.M && gka < p.K) ? a[aBase + gm * p.aRow + gka * p.aCol] : 0.0);
            int n = bAlongK ? e / 32 : e % 64, kb = bAlongK ? e % 32 : e / 64;
            int gn = n0 + n, gkb = k0 + kb;
            Bs[uint(kb) * BS + uint(n)] =
                (gn < p.N && gkb < p.K) ? loadB(bBase + gkb * p.bRow + gn * p.bCol) : float16_t(0.0);
        }
        barrier();
        [[unroll]] for (uint kk = 0u; kk < 32u; kk += 16u) {
            F16MAT a0, a1, b0, b1;
            coopMatLoadNV(a0, As, wm * AS + kk, AS, false);
            coopMatLoadNV(a1, As, (wm + 16u) * AS + kk, AS, false);
            coopMatLoadNV(b0, Bs, kk * BS + wn, BS, false);
            coopMatLoadNV(b1, Bs, kk * BS + wn + 16u, BS, false);
            acc00 = coopMatMulAddNV(a0, b0, acc00);
            acc01 = coopMatMulAddNV(a0, b1, acc01);
            acc10 = coopMatMulAddNV(a1, b0, acc10);
            acc11 = coopMatMulAddNV(a1, b1, acc11);
        }
        barrier();
    }
    coopMatStoreNV(acc00, Cs, wm * 64u + wn, 64u, false);
    coopMatStoreNV(acc01, Cs, wm * 64u + wn + 16u, 64u, false);
    coopMatStoreNV(acc10, Cs, (wm + 16u) * 64u + wn, 64u, false);
    coopMatStoreNV(acc11, Cs, (wm + 16u) * 64u + wn + 16u, 64u, false);
    barrier();
    uint act = p.flags & 255u;
    bool hasBias = (p.flags & 256u) != 0u, hasRes = (p.flags & 512u) != 0u;
    for (int e = tid; e < 64 * 64; e += 128) {
        int gm = m0 + e / 64, gn = n0 + e % 64;
        if (gm >= p.M || gn >= p.N) continue;
        float v = Cs[e];
        if (hasBias) v += bias[int(p.offBias) + gn];
        v = activate(v, act);
        if (hasRes) v += res[int(p.offR) + z0 * p.rB0 + z1 * p.rB1 + gm * p.rRow + gn];
        c[int(p.offC) + z0 * p.cB0 + z1 * p.cB1 + gm * p.cRow + gn] = v;
    }
}
