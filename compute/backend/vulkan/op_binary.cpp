// SPDX-License-Identifier: MIT
#include "compute/backend/vulkan/layout.h"
#include "compute/backend/vulkan/ops.h"
#include "compute/backend/vulkan/params.h"
#include "compute/error.h"

#include <cstring>

namespace loupe::compute::vk {

void binary(Recorder& r, Op op, const DeviceTensor& out, const DeviceTensor& a, const DeviceTensor& b)
{
    uint32_t mode = 0;
    switch (op) {
    case Op::Add:
        mode = 0;
        break;
    case Op::Sub:
        mode = 1;
        break;
    case Op::Mul:
        mode = 2;
        break;
    default:
        throw Error("vulkan", std::string("binary: unsupported op ") + opName(op));
    }
    const Folded f = fold("binary", out.shape,
                          {broadcastStrides(a.shape, a.strides, out.shape),
                           broadcastStrides(b.shape, b.strides, out.shape), out.strides});
    ElementwiseParams p{};
    std::memcpy(p.shape, f.shape.data(), sizeof p.shape);
    std::memcpy(p.sa, f.strides[0].data(), sizeof p.sa);
    std::memcpy(p.sb, f.strides[1].data(), sizeof p.sb);
    std::memcpy(p.so, f.strides[2].data(), sizeof p.so);
    p.n = offset32("binary", shapeNumel(out.shape));
    p.offA = a.offset;
    p.offB = b.offset;
    p.offO = out.offset;
    p.mode = mode;
    r.dispatchItems("binary", {a.buffer, b.buffer, out.buffer}, &p, sizeof p, p.n, 256);
}

} // namespace loupe::compute::vk
