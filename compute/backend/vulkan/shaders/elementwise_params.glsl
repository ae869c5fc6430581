// Push constants of the elementwise shaders (copy, binary, activation); vk::ElementwiseParams on the host.
layout(push_constant) uniform Params
{
    ivec4 shape; // output shape, right-aligned to 4 dims
    ivec4 sa;    // strides of a (0 where it broadcasts)
    ivec4 sb;    // strides of b
    ivec4 so;    // strides of the output
    uint n;      // elements
    uint offA;
    uint offB;
    uint offO;
    uint mode; // binary: 0 add, 1 sub, 2 mul; activation: compute::Activation
} p;
