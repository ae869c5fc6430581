#version 450
// out = x elementwise between any two strided layouts (Cont, Concat halves, kept views).
#include "common.glsl"
#include "elementwise_params.glsl"
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 2) writeonly buffer O { float o[]; };

void main()
{
    int i = flatIndex();
    if (i >= int(p.n)) return;
    o[int(p.offO) + offset4(i, p.shape, p.so)] = x[int(p.offA) + offset4(i, p.shape, p.sa)];
}
