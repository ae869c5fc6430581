// SPDX-License-Identifier: MIT
#pragma once

#include "compute/backend/vulkan/layout.h"
#include "compute/backend/vulkan/params.h"
#include "compute/backend/vulkan/recorder.h"

#include <cstring>

namespace loupe::compute::vk {

// Fills the row addressing of RowParams for an op over the last dim of x (softmax, layernorm).
inline void setRows(const char* op, RowParams& p, const DeviceTensor& x)
{
    const Shape lead(x.shape.begin(), x.shape.end() - 1), leadStrides(x.strides.begin(), x.strides.end() - 1);
    const Folded f = fold(op, lead, {leadStrides});
    std::memcpy(p.rowShape, f.shape.data(), sizeof p.rowShape);
    std::memcpy(p.rowStride, f.strides[0].data(), sizeof p.rowStride);
    p.d = int32_t(x.shape.back());
    p.strideLast = int32_t(x.strides.back());
    p.rows = offset32(op, shapeNumel(lead));
    p.offX = x.offset;
}

} // namespace loupe::compute::vk
