// Push constants of the row-wise shaders (softmax, layernorm); vk::RowParams on the host. Row r of x
// starts at offset4(r, rowShape, rowStride); its d elements are strideLast apart. Outputs are packed.
layout(push_constant) uniform Params
{
    ivec4 rowShape; // leading dims, right-aligned (w is the last leading dim)
    ivec4 rowStride;
    int d;
    int strideLast;
    uint rows;
    uint offX;
    uint offO;
    uint offW; // layernorm weight, bias (stride sw, sb)
    uint offB;
    int sw;
    int sb;
    float f0; // softmax scale; layernorm eps
} p;

int rowIndex()
{
    return int(gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x);
}
