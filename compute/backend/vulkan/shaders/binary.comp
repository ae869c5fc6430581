#version 450
// out = a (+|-|*) b with numpy broadcasting (broadcast dims have stride 0).
#include "common.glsl"
#include "elementwise_params.glsl"
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer A { float a[]; };
layout(std430, binding = 1) readonly buffer B { float b[]; };
layout(std430, binding = 2) writeonly buffer O { float o[]; };

void main()
{
    int i = flatIndex();
    if (i >= int(p.n)) return;
    float x = a[int(p.offA) + offset4(i, p.shape, p.sa)];
    float y = b[int(p.offB) + offset4(i, p.shape, p.sb)];
    float r = p.mode == 0u ? x + y : p.mode == 1u ? x - y : x * y;
    o[int(p.offO) + offset4(i, p.shape, p.so)] = r;
}
