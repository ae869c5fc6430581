#version 450
// LayerNorm backward over the last dim, one workgroup per row (a = x, the forward input; b = gy):
// xh = (x - mean) * rstd, gh = gy * w (w optional), gx = rstd * (gh - mean(gh) - xh * mean(gh * xh)).
#include "common.glsl"
#include "grad_row_params.glsl"
layout(local_size_x = 128) in;
layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) readonly buffer G { float g[]; };
layout(std430, binding = 2) writeonly buffer O { float o[]; };
layout(std430, binding = 3) readonly buffer W { float w[]; };

float gradOut(int gb, int i)
{
    float gy = g[gb + i * p.lastB];
    return p.hasW != 0u ? gy * w[int(p.offW) + i * p.sw] : gy;
}

void main()
{
    int r = rowIndex();
    if (r >= int(p.rows)) return;
    int t = int(gl_LocalInvocationID.x);
    int xa = int(p.offA) + offset4(r, p.rowShape, p.strideA);
    int gb = int(p.offB) + offset4(r, p.rowShape, p.strideB);
    float n = float(p.d);
    float s = 0.0;
    for (int i = t; i < p.d; i += 128)
        s += x[xa + i * p.lastA];
    float mean = reduceSum(s, t) / n;
    float v = 0.0;
    for (int i = t; i < p.d; i += 128) {
        float c = x[xa + i * p.lastA] - mean;
        v += c * c;
    }
    float rstd = 1.0 / sqrt(reduceSum(v, t) / n + p.f0);
    float sg = 0.0, sgx = 0.0;
    for (int i = t; i < p.d; i += 128) {
        float gh = gradOut(gb, i);
        sg += gh;
        sgx += gh * (x[xa + i * p.lastA] - mean) * rstd;
    }
    float mg = reduceSum(sg, t) / n;
    float mgx = reduceSum(sgx, t) / n;
    int out0 = int(p.offO) + r * p.d;
    for (int i = t; i < p.d; i += 128) {
        float xh = (x[xa + i * p.lastA] - mean) * rstd;
        o[out0 + i] = rstd * (gradOut(gb, i) - mg - xh * mgx);
    }
}
