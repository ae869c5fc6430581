// SPDX-License-Identifier: MIT
#include "compute/backend/vulkan/layout.h"
#include "compute/backend/vulkan/ops.h"
#include "compute/backend/vulkan/params.h"

#include <cstring>

namespace loupe::compute::vk {

void activation(Recorder& r, const DeviceTensor& out, const DeviceTensor& x, Activation act)
{
    const Folded f = fold("activation", out.shape, {x.strides, out.strides});
    ElementwiseParams p{};
    std::memcpy(p.shape, f.shape.data(), sizeof p.shape);
    std::memcpy(p.sa, f.strides[0].data(), sizeof p.sa);
    std::memcpy(p.so, f.strides[1].data(), sizeof p.so);
    p.n = offset32("activation", shapeNumel(out.shape));
    p.offA = x.offset;
    p.offO = out.offset;
    p.mode = uint32_t(act);
    r.dispatchItems("activation", {x.buffer, VK_NULL_HANDLE, out.buffer}, &p, sizeof p, p.n, 256);
}

void activationGrad(Recorder& r, const DeviceTensor& out, const DeviceTensor& z, const DeviceTensor& gy,
                    Activation act)
{
    const Folded f = fold("act_grad", out.shape,
                          {broadcastStrides(z.shape, z.strides, out.shape),
                           broadcastStrides(gy.shape, gy.strides, out.shape), out.strides});
    ElementwiseParams p{};
    std::memcpy(p.shape, f.shape.data(), sizeof p.shape);
    std::memcpy(p.sa, f.strides[0].data(), sizeof p.sa);
    std::memcpy(p.sb, f.strides[1].data(), sizeof p.sb);
    std::memcpy(p.so, f.strides[2].data(), sizeof p.so);
    p.n = offset32("act_grad", shapeNumel(out.shape));
    p.offA = z.offset;
    p.offB = gy.offset;
    p.offO = out.offset;
    p.mode = uint32_t(act);
    r.dispatchItems("act_grad", {z.buffer, gy.buffer, out.buffer}, &p, sizeof p, p.n, 256);
}

} // namespace loupe::compute::vk
