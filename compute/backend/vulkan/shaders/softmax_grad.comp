#version 450
// Softmax backward, one workgroup per row: gx = scale * y * (gy - sum(gy * y)); a = y, b = gy.
#include "common.glsl"
#include "grad_row_params.glsl"
layout(local_size_x = 128) in;
layout(std430, binding = 0) readonly buffer Y { float y[]; };
layout(std430, binding = 1) readonly buffer G { float g[]; };
layout(std430, binding = 2) writeonly buffer O { float o[]; };

void main()
{
    int r = rowIndex();
    if (r >= int(p.rows)) return;
    int t = int(gl_LocalInvocationID.x);
    int ya = int(p.offA) + offset4(r, p.rowShape, p.strideA);
    int gb = int(p.offB) + offset4(r, p.rowShape, p.strideB);
    float s = 0.0;
    for (int i = t; i < p.d; i += 128)
        s += g[gb + i * p.lastB] * y[ya + i * p.lastA];
    float dot = reduceSum(s, t);
    int out0 = int(p.offO) + r * p.d;
    for (int i = t; i < p.d; i += 128)
        o[out0 + i] = p.f0 * y[ya + i * p.lastA] * (g[gb + i * p.lastB] - dot);
}
