#version 450
// LayerNorm over the last dim, one workgroup per row: mean, then the biased variance of the centred
// values (two passes, as the CPU and PyTorch do), eps inside the square root.
#include "common.glsl"
#include "row_params.glsl"
layout(local_size_x = 128) in;
layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) readonly buffer W { float w[]; };
layout(std430, binding = 2) writeonly buffer O { float o[]; };
layout(std430, binding = 3) readonly buffer B { float b[]; };
shared float red[128];

float reduceSum(float v, int t)
{
    red[t] = v;
    barrier();
    for (int s = 64; s > 0; s >>= 1) {
        if (t < s) red[t] += red[t + s];
        barrier();
    }
    float r = red[0];
    barrier();
    return r;
}

void main()
{
    int r = rowIndex();
    if (r >= int(p.rows)) return;
    int t = int(gl_LocalInvocationID.x);
    int base = int(p.offX) + offset4(r, p.rowShape, p.rowStride);
    float s = 0.0;
    for (int i = t; i < p.d; i += 128)
        s += x[base + i * p.strideLast];
    float mean = reduceSum(s, t) / float(p.d);
    float v = 0.0;
    for (int i = t; i < p.d; i += 128) {
        float c = x[base + i * p.strideLast] - mean;
        v += c * c;
    }
    float inv = 1.0 / sqrt(reduceSum(v, t) / float(p.d) + p.f0);
    int out0 = int(p.offO) + r * p.d;
    for (int i = t; i < p.d; i += 128)
        o[out0 + i] = (x[base + i * p.strideLast] - mean) * inv * w[int(p.offW) + i * p.sw] + b[int(p.offB) + i * p.sb];
}
