#version 450
// out[offO + i] = 0 for i < n: the zeroed output of Embed before its view is copied in.
#include "common.glsl"
#include "elementwise_params.glsl"
layout(local_size_x = 256) in;
layout(std430, binding = 2) writeonly buffer O { float o[]; };

void main()
{
    int i = flatIndex();
    if (i >= int(p.n)) return;
    o[int(p.offO) + i] = 0.0;
}
