#version 450
// softmax(scale * x) over the last dim, one workgroup per row, max-subtracted like the CPU kernel: a row
// whose max is not finite is not shifted (all -inf gives NaN there too).
#include "common.glsl"
#include "row_params.glsl"
layout(local_size_x = 128) in;
layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 2) buffer O { float o[]; };
shared float red[128];

void main()
{
    int r = rowIndex();
    if (r >= int(p.rows)) return;
    int t = int(gl_LocalInvocationID.x);
    int base = int(p.offX) + offset4(r, p.rowShape, p.rowStride);
    int out0 = int(p.offO) + r * p.d;
    float m = -1.0 / 0.0;
    for (int i = t; i < p.d; i += 128)
        m = max(m, x[base + i * p.strideLast]);
    red[t] = m;
    barrier();
    for (int s = 64; s > 0; s >>= 1) {
        if (t < s) red[t] = max(red[t], red[t + s]);
        barrier();
    }
    float mx = red[0];
    barrier();
    float shift = (isinf(mx) || isnan(mx)) ? 0.0 : mx * p.f0;
    float sum = 0.0;
    for (int i = t; i < p.d; i += 128) {
        float e = exp(p.f0 * x[base + i * p.strideLast] - shift);
        o[out0 + i] = e;
        sum += e;
    }
    red[t] = sum;
    barrier();
    for (int s = 64; s > 0; s >>= 1) {
        if (t < s) red[t] += red[t + s];
        barrier();
    }
    float inv = 1.0 / red[0];
    for (int i = t; i < p.d; i += 128)
        o[out0 + i] *= inv;
}
