// SPDX-License-Identifier: MIT
#include "compute/backend/vulkan/layout.h"
#include "compute/backend/vulkan/ops.h"
#include "compute/error.h"

namespace loupe::compute::vk {

namespace {

struct BicubicParams // shaders/bicubic.comp, bicubic_grad.comp
{
    int32_t xStride[4];
    int32_t C, H, W, OH, OW;
    uint32_t n, offX, offO;
    float sh, sw;
};
static_assert(sizeof(BicubicParams) == 56);

// As the CPU: a positive scale factor is used as given (PyTorch's scale_factor path), else in/out.
float sourceScale(int64_t in, int64_t out, double scale)
{
    return scale > 0 ? float(1.0 / scale) : float(in) / float(out);
}

} // namespace

void bicubic(Recorder& r, const DeviceTensor& out, const DeviceTensor& x, double scaleH, double scaleW)
{
    if (x.shape.size() != 4 || out.shape.size() != 4)
        throw Error("vulkan", "bicubic needs [B, C, H, W] tensors");
    BicubicParams p{};
    for (int d = 0; d < 4; ++d)
        p.xStride[d] = int32_t(offset32("bicubic", x.strides[size_t(d)]));
    p.C = int32_t(x.shape[1]);
    p.H = int32_t(x.shape[2]);
    p.W = int32_t(x.shape[3]);
    p.OH = int32_t(out.shape[2]);
    p.OW = int32_t(out.shape[3]);
    p.n = offset32("bicubic", shapeNumel(out.shape));
    p.offX = x.offset;
    p.offO = out.offset;
    p.sh = sourceScale(x.shape[2], out.shape[2], scaleH);
    p.sw = sourceScale(x.shape[3], out.shape[3], scaleW);
    r.dispatchItems("bicubic", {x.buffer, VK_NULL_HANDLE, out.buffer}, &p, sizeof p, p.n, 256);
}

// The gather runs over the input pixels (out, [B, C, H, W]) and reads gy [B, C, OH, OW] through xStride.
void bicubicGrad(Recorder& r, const DeviceTensor& out, const DeviceTensor& gy, double scaleH, double scaleW)
{
    if (gy.shape.size() != 4 || out.shape.size() != 4)
        throw Error("vulkan", "bicubic_grad needs [B, C, H, W] tensors");
    BicubicParams p{};
    for (int d = 0; d < 4; ++d)
        p.xStride[d] = int32_t(offset32("bicubic_grad", gy.strides[size_t(d)]));
    p.C = int32_t(out.shape[1]);
    p.H = int32_t(out.shape[2]);
    p.W = int32_t(out.shape[3]);
    p.OH = int32_t(gy.shape[2]);
    p.OW = int32_t(gy.shape[3]);
    p.n = offset32("bicubic_grad", shapeNumel(out.shape));
    p.offX = gy.offset;
    p.offO = out.offset;
    p.sh = sourceScale(out.shape[2], gy.shape[2], scaleH);
    p.sw = sourceScale(out.shape[3], gy.shape[3], scaleW);
    r.dispatchItems("bicubic_grad", {gy.buffer, VK_NULL_HANDLE, out.buffer}, &p, sizeof p, p.n, 256);
}

} // namespace loupe::compute::vk
