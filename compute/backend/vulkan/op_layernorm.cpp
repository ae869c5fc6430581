// SPDX-License-Identifier: MIT
#include "compute/backend/vulkan/ops.h"
#include "compute/backend/vulkan/row_layout.h"

namespace loupe::compute::vk {

void layerNorm(Recorder& r, const DeviceTensor& out, const DeviceTensor& x, const DeviceTensor& w,
               const DeviceTensor& b, float eps)
{
    RowParams p{};
    setRows("layernorm", p, x);
    p.offO = out.offset;
    p.offW = w.offset;
    p.offB = b.offset;
    p.sw = int32_t(w.strides.back());
    p.sb = int32_t(b.strides.back());
    p.f0 = eps;
    r.dispatchItems("layernorm", {x.buffer, w.buffer, out.buffer, b.buffer}, &p, sizeof p, p.rows, 1);
}

} // namespace loupe::compute::vk
