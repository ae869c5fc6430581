// Push constants of the row-wise backward shaders (softmax_grad, layernorm_grad); vk::GradRowParams on
// the host. Row r of operand a starts at offset4(r, rowShape, strideA), its d elements lastA apart; the
// same for b. Outputs are packed.
layout(push_constant) uniform Params
{
    ivec4 rowShape; // leading dims, right-aligned
    ivec4 strideA;
    ivec4 strideB;
    int d;
    int lastA;
    int lastB;
    uint rows;
    uint offA;
    uint offB;
    uint offO;
    uint offW; // layernorm_grad's weight (stride sw), when hasW != 0
    int sw;
    uint hasW;
    float f0; // softmax_grad: scale; layernorm_grad: eps
} p;

int rowIndex()
{
    return int(gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x);
}

shared float red[128];

// Sum over the workgroup's 128 invocations, in a fixed order (deterministic).
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
