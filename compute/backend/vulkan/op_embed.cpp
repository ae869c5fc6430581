// SPDX-License-Identifier: MIT
#include "compute/backend/vulkan/layout.h"
#include "compute/backend/vulkan/ops.h"
#include "compute/backend/vulkan/params.h"

namespace loupe::compute::vk {

// Two dispatches, ordered by the recorder's barrier: zeros over the packed output, then the strided
// copy of x into its view (the views never overlap, so each element is written once).
void embed(Recorder& r, const DeviceTensor& out, const DeviceTensor& x, const Shape& strides, int64_t offset)
{
    ElementwiseParams p{};
    p.n = offset32("embed", shapeNumel(out.shape));
    p.offO = out.offset;
    r.dispatchItems("fill", {out.buffer, VK_NULL_HANDLE, out.buffer}, &p, sizeof p, p.n, 256);
    DeviceTensor view = out;
    view.shape = x.shape;
    view.strides = strides;
    view.offset = out.offset + offset32("embed", offset);
    copy(r, view, x);
}

} // namespace loupe::compute::vk
