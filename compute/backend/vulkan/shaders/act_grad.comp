#version 450
// gz = gy * act'(z) elementwise (a = z, b = gy), with the CPU backward kernel's derivatives; GELU's erf
// and tanh forms each differentiated as written.
#include "common.glsl"
#include "elementwise_params.glsl"
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer Z { float z[]; };
layout(std430, binding = 1) readonly buffer G { float g[]; };
layout(std430, binding = 2) writeonly buffer O { float o[]; };

float sigmoid(float x)
{
    return 1.0 / (1.0 + exp(-x));
}

float derivative(float x, uint act)
{
    switch (act) {
    case 1u: // GELU (erf): Phi(x) + x phi(x)
        return 0.5 * (1.0 + erfApprox(x * 0.70710678118654752)) + x * exp(-0.5 * x * x) * 0.39894228040143268;
    case 2u: { // GELU (tanh)
        const float k = 0.79788456080286536, c3 = 0.044715;
        float th = safeTanh(k * (x + c3 * x * x * x));
        return 0.5 * (1.0 + th) + 0.5 * x * (1.0 - th * th) * k * (1.0 + 3.0 * c3 * x * x);
    }
    case 3u: { // quick GELU: x sigmoid(1.702 x)
        float s = sigmoid(1.702 * x);
        return s + 1.702 * x * s * (1.0 - s);
    }
    case 4u: return x > 0.0 ? 1.0 : 0.0;
    case 5u: {
        float s = sigmoid(x);
        return s + x * s * (1.0 - s);
    }
    case 6u: {
        float th = safeTanh(x);
        return 1.0 - th * th;
    }
    case 7u: {
        float s = sigmoid(x);
        return s * (1.0 - s);
    }
    default: return 1.0;
    }
}

void main()
{
    int i = flatIndex();
    if (i >= int(p.n)) return;
    float gy = g[int(p.offB) + offset4(i, p.shape, p.sb)];
    float zz = z[int(p.offA) + offset4(i, p.shape, p.sa)];
    // ReLU selects gy as the CPU does (0 * inf would be NaN).
    o[int(p.offO) + offset4(i, p.shape, p.so)] = p.mode == 4u ? (zz > 0.0 ? gy : 0.0) : gy * derivative(zz, p.mode);
}
