#version 450
// x summed over the dims the output broadcasts from. The kept dims (folded to 4, strides of x) address
// the output's packed elements, the reduced dims (folded to 4) the elements each one sums. Mode 0: one
// invocation per output element, a serial sum; mode 1 (long reductions): one workgroup per output
// element, strided partial sums and a tree. Both sum in a fixed order: no float atomics, the same
// result on every run.
#include "common.glsl"
layout(local_size_x = 64) in;
layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 2) writeonly buffer O { float o[]; };
layout(push_constant) uniform Params
{
    ivec4 keepShape, keepStride, redShape, redStride;
    uint outN, redN, offX, offO, mode;
} p;
shared float red[64];

void main()
{
    int t = int(gl_LocalInvocationID.x);
    if (p.mode == 0u) {
        int i = flatIndex();
        if (i >= int(p.outN)) return;
        int base = int(p.offX) + offset4(i, p.keepShape, p.keepStride);
        float s = 0.0;
        for (int j = 0; j < int(p.redN); ++j)
            s += x[base + offset4(j, p.redShape, p.redStride)];
        o[int(p.offO) + i] = s;
        return;
    }
    int i = int(gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x);
    if (i >= int(p.outN)) return; // the same for the whole workgroup
    int base = int(p.offX) + offset4(i, p.keepShape, p.keepStride);
    float s = 0.0;
    for (int j = t; j < int(p.redN); j += 64)
        s += x[base + offset4(j, p.redShape, p.redStride)];
    red[t] = s;
    barrier();
    for (int k = 32; k > 0; k >>= 1) {
        if (t < k) red[t] += red[t + k];
        barrier();
    }
    if (t == 0) o[int(p.offO) + i] = red[0];
}
