#version 450
// PatchEmbed's input gradient: gcols [B, gh*gw, C*P*P] back to pixels [B, C, H, W], one pixel per
// invocation (patches do not overlap, so each pixel has one source); pixels past the grid get 0.
#include "common.glsl"
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer G { float g[]; };
layout(std430, binding = 2) writeonly buffer O { float o[]; };
layout(push_constant) uniform Params
{
    ivec4 gStride; // x: batch, y: patch, z: column of gcols
    int C, H, W, P, gh, gw;
    uint n, offG, offO;
} p;

void main()
{
    int i = flatIndex();
    if (i >= int(p.n)) return;
    int x = i % p.W, y = (i / p.W) % p.H, plane = i / (p.W * p.H);
    int b = plane / p.C, c = plane - b * p.C;
    float v = 0.0;
    if (y < p.gh * p.P && x < p.gw * p.P) {
        int cell = (y / p.P) * p.gw + x / p.P;
        int col = (c * p.P + y % p.P) * p.P + x % p.P;
        v = g[int(p.offG) + b * p.gStride.x + cell * p.gStride.y + col * p.gStride.z];
    }
    o[int(p.offO) + i] = v;
}
