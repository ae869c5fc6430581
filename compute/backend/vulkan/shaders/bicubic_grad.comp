#version 450
// Adjoint of bicubic.comp: gx [B, C, H, W] from gy [B, C, OH, OW]. A gather, one input pixel per
// invocation: it visits the output rows and columns whose four taps (clamped to the border, as in the
// forward) reach it and sums weight * gy in a fixed order, so no atomics are needed and the result is
// deterministic.
#include "common.glsl"
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer G { float g[]; };
layout(std430, binding = 2) writeonly buffer O { float o[]; };
layout(push_constant) uniform Params
{
    ivec4 gStride; // B, C, OH, OW strides of gy
    int C, H, W, OH, OW;
    uint n, offG, offO;
    float sh, sw; // source pixels per output pixel, as in the forward
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

// The total weight output position `o` (scale s, input size len) gives input position `at`.
float tapWeight(int o, float s, int len, int at)
{
    float r = s * (float(o) + 0.5) - 0.5;
    int i = int(floor(r));
    float f = r - float(i);
    vec4 w = vec4(cubic2(f + 1.0), cubic1(f), cubic1(1.0 - f), cubic2(2.0 - f));
    float sum = 0.0;
    for (int j = 0; j < 4; ++j)
        if (clamp(i - 1 + j, 0, len - 1) == at) sum += w[j];
    return sum;
}

// Output positions whose taps can reach input position `at`: floor(r) in [at - 2, at + 1] (border taps
// clamp inwards, which only the first and last positions see, and those ranges already include them).
ivec2 reach(int at, float s, int outLen)
{
    int lo = int(floor((float(at) - 1.5) / s - 0.5)) - 1;
    int hi = int(ceil((float(at) + 2.5) / s - 0.5)) + 1;
    return ivec2(max(lo, 0), min(hi, outLen - 1));
}

void main()
{
    int i = flatIndex();
    if (i >= int(p.n)) return;
    int x = i % p.W, y = (i / p.W) % p.H, plane = i / (p.W * p.H);
    int b = plane / p.C, c = plane - b * p.C;
    int base = int(p.offG) + b * p.gStride.x + c * p.gStride.y;
    ivec2 ry = reach(y, p.sh, p.OH), rx = reach(x, p.sw, p.OW);
    float acc = 0.0;
    for (int oy = ry.x; oy <= ry.y; ++oy) {
        float wy = tapWeight(oy, p.sh, p.H, y);
        if (wy == 0.0) continue;
        float row = 0.0;
        for (int ox = rx.x; ox <= rx.y; ++ox)
            row += tapWeight(ox, p.sw, p.W, x) * g[base + oy * p.gStride.z + ox * p.gStride.w];
        acc += wy * row;
    }
    o[int(p.offO) + i] = acc;
}
