// SPDX-License-Identifier: MIT
#include "compute/backend/vulkan/ops.h"
#include "compute/backend/vulkan/row_layout.h"

namespace loupe::compute::vk {

void softmax(Recorder& r, const DeviceTensor& out, const DeviceTensor& x, float scale)
{
    RowParams p{};
    setRows("softmax", p, x);
    p.offO = out.offset;
    p.f0 = scale;
    r.dispatchItems("softmax", {x.buffer, VK_NULL_HANDLE, out.buffer}, &p, sizeof p, p.rows, 1);
}

} // namespace loupe::compute::vk
