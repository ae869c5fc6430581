// SPDX-License-Identifier: MIT
// The row-wise backward ops: softmax and LayerNorm gradients over the last dim.
#include "compute/backend/vulkan/layout.h"
#include "compute/backend/vulkan/ops.h"
#include "compute/backend/vulkan/params.h"
#include "compute/error.h"

#include <cstring>

namespace loupe::compute::vk {

namespace {

// Row addressing of two operands of the same shape (a, b) over their last dim.
GradRowParams rows2(const char* op, const DeviceTensor& a, const DeviceTensor& b)
{
    if (a.shape != b.shape || a.shape.empty())
        throw Error("vulkan", std::string(op) + ": operands of shapes " + shapeString(a.shape) + " and " +
                                  shapeString(b.shape));
    const Shape lead(a.shape.begin(), a.shape.end() - 1);
    const Shape sa(a.strides.begin(), a.strides.end() - 1), sb(b.strides.begin(), b.strides.end() - 1);
    const Folded f = fold(op, lead, {sa, sb});
    GradRowParams p{};
    std::memcpy(p.rowShape, f.shape.data(), sizeof p.rowShape);
    std::memcpy(p.strideA, f.strides[0].data(), sizeof p.strideA);
    std::memcpy(p.strideB, f.strides[1].data(), sizeof p.strideB);
    p.d = int32_t(offset32(op, a.shape.back()));
    p.lastA = int32_t(a.strides.back());
    p.lastB = int32_t(b.strides.back());
    p.rows = offset32(op, shapeNumel(lead));
    p.offA = a.offset;
    p.offB = b.offset;
    return p;
}

} // namespace

void softmaxGrad(Recorder& r, const DeviceTensor& out, const DeviceTensor& y, const DeviceTensor& gy,
                 float scale)
{
    GradRowParams p = rows2("softmax_grad", y, gy);
    p.offO = out.offset;
    p.f0 = scale;
    r.dispatchItems("softmax_grad", {y.buffer, gy.buffer, out.buffer}, &p, sizeof p, p.rows, 1);
}

void layerNormGrad(Recorder& r, const DeviceTensor& out, const DeviceTensor& x, const DeviceTensor* w,
                   const DeviceTensor& gy, float eps)
{
    GradRowParams p = rows2("layernorm_grad", x, gy);
    p.offO = out.offset;
    p.f0 = eps;
    VkBuffer wb = VK_NULL_HANDLE;
    if (w) {
        p.hasW = 1;
        p.offW = w->offset;
        p.sw = int32_t(w->strides.back());
        wb = w->buffer;
    }
    r.dispatchItems("layernorm_grad", {x.buffer, gy.buffer, out.buffer, wb}, &p, sizeof p, p.rows, 1);
}

} // namespace loupe::compute::vk
