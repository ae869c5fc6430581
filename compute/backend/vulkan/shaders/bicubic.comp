#version 450
// torch interpolate(mode="bicubic", align_corners=False) of [B, C, H, W]: Keys' cubic convolution with
// A = -0.75, taps clamped to the border, one output element per invocation (the CPU's formulas).
#include "common.glsl"
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 2) writeonly buffer O { float o[]; };
layout(push_constant) uniform Params
{
    ivec4 xStride; // B, C, H, W strides of the input
    int C, H, W, OH, OW;
    uint n, offX, offO;
    float sh, sw; // source pixels per output pixel
} p;

const float A = -0.75;

float cubic1(float t)
{
    return ((A + 2.0) * t - (A + 3.0)) * t * t + 1.0;
}

float cubic2(float t)
{
    return ((A * t - 5.0 * A) * t + 8.0 * A) * t - 4.0 * A;
}

vec4 weights(float t)
{
    return vec4(cubic2(t + 1.0), cubic1(t), cubic1(1.0 - t), cubic2(2.0 - t));
}

void main()
{
    int i = flatIndex();
    if (i >= int(p.n)) return;
    int ox = i % p.OW, oy = (i / p.OW) % p.OH, plane = i / (p.OW * p.OH);
    int b = plane / p.C, c = plane - b * p.C;
    int base = int(p.offX) + b * p.xStride.x + c * p.xStride.y;
    float ry = p.sh * (float(oy) + 0.5) - 0.5, rx = p.sw * (float(ox) + 0.5) - 0.5;
    int iy = int(floor(ry)), ix = int(floor(rx));
    vec4 wy = weights(ry - float(iy)), wx = weights(rx - float(ix));
    float acc = 0.0;
    for (int j = 0; j < 4; ++j) {
        int yy = clamp(iy - 1 + j, 0, p.H - 1);
        float row = 0.0;
        for (int k = 0; k < 4; ++k)
            row += wx[k] * x[base + yy * p.xStride.z + clamp(ix - 1 + k, 0, p.W - 1) * p.xStride.w];
        acc += wy[j] * row;
    }
    o[int(p.offO) + i] = acc;
}
