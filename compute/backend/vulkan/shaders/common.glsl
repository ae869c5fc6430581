// Shared by the shaders: 4-D strided addressing, the flat index of a 2-D dispatch (large tensors need
// more than 65535 workgroups in x) and the activations, with the CPU backend's formulas.

int flatIndex()
{
    return int(gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x);
}

// Element offset of the i-th element (row-major over `shape`) of a tensor with `stride`.
int offset4(int i, ivec4 shape, ivec4 stride)
{
    int o = (i % shape.w) * stride.w;
    i /= shape.w;
    o += (i % shape.z) * stride.z;
    i /= shape.z;
    o += (i % shape.y) * stride.y;
    i /= shape.y;
    return o + i * stride.x;
}

// Abramowitz & Stegun 7.1.26 refined by one term: |error| < 1.5e-7, below f32 rounding of GELU.
float erfApprox(float x)
{
    float s = sign(x);
    float a = abs(x);
    float t = 1.0 / (1.0 + 0.3275911 * a);
    float y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
                        t * exp(-a * a);
    return s * y;
}

// tanh without the inf/inf of exp overflow some drivers' built-in gives for large |x|.
float safeTanh(float x)
{
    float c = clamp(x, -15.0, 15.0);
    float e = exp(2.0 * c);
    return (e - 1.0) / (e + 1.0);
}

// Activation codes are compute::Activation's values.
float activate(float x, uint act)
{
    switch (act) {
    case 1u: return 0.5 * x * (1.0 + erfApprox(x * 0.70710678118654752));
    case 2u: return 0.5 * x * (1.0 + safeTanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
    case 3u: return x / (1.0 + exp(-1.702 * x));
    case 4u: return max(x, 0.0);
    case 5u: return x / (1.0 + exp(-x));
    case 6u: return safeTanh(x);
    case 7u: return 1.0 / (1.0 + exp(-x));
    default: return x;
    }
}
