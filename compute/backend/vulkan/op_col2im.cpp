// SPDX-License-Identifier: MIT
#include "compute/backend/vulkan/layout.h"
#include "compute/backend/vulkan/ops.h"
#include "compute/error.h"

namespace loupe::compute::vk {

namespace {

struct Col2ImParams // shaders/col2im.comp
{
    int32_t gStride[4];
    int32_t C, H, W, P, gh, gw;
    uint32_t n, offG, offO;
};
static_assert(sizeof(Col2ImParams) == 52);

} // namespace

void col2im(Recorder& r, const DeviceTensor& out, const DeviceTensor& gcols, int64_t patch)
{
    if (out.shape.size() != 4 || gcols.shape.size() != 3 || patch <= 0)
        throw Error("vulkan", "col2im needs gcols [B, patches, C*P*P] and an image [B, C, H, W]");
    Col2ImParams p{};
    for (int d = 0; d < 3; ++d)
        p.gStride[d] = int32_t(offset32("col2im", gcols.strides[size_t(d)]));
    p.C = int32_t(out.shape[1]);
    p.H = int32_t(out.shape[2]);
    p.W = int32_t(out.shape[3]);
    p.P = int32_t(patch);
    p.gh = int32_t(out.shape[2] / patch);
    p.gw = int32_t(out.shape[3] / patch);
    p.n = offset32("col2im", shapeNumel(out.shape));
    p.offG = gcols.offset;
    p.offO = out.offset;
    r.dispatchItems("col2im", {gcols.buffer, VK_NULL_HANDLE, out.buffer}, &p, sizeof p, p.n, 256);
}

} // namespace loupe::compute::vk
