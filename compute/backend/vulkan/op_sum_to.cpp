// SPDX-License-Identifier: MIT
#include "compute/backend/vulkan/layout.h"
#include "compute/backend/vulkan/ops.h"
#include "compute/error.h"

#include <cstring>

namespace loupe::compute::vk {

namespace {

struct SumToParams // shaders/sum_to.comp
{
    int32_t keepShape[4], keepStride[4], redShape[4], redStride[4];
    uint32_t outN, redN, offX, offO, mode;
};
static_assert(sizeof(SumToParams) == 84);

// Past this many summed elements per output, a workgroup shares each sum (sum_to.comp's mode 1).
constexpr int64_t kSharedSum = 256;

} // namespace

// x's dims split into the kept ones (the output's, in order: they address its packed elements) and the
// reduced ones (missing from the output or 1 there), each folded to the shader's 4.
void sumTo(Recorder& r, const DeviceTensor& out, const DeviceTensor& x)
{
    const size_t rank = x.shape.size();
    if (out.shape.size() > rank) throw Error("vulkan", "sum_to: the output has more dims than x");
    const size_t lead = rank - out.shape.size();
    Shape keep, keepStrides, red, redStrides;
    for (size_t d = 0; d < rank; ++d) {
        const bool reduced = d < lead || (out.shape[d - lead] == 1 && x.shape[d] != 1);
        if (!reduced && x.shape[d] != out.shape[d - lead])
            throw Error("vulkan", "sum_to: " + shapeString(x.shape) + " does not broadcast from " +
                                      shapeString(out.shape));
        (reduced ? red : keep).push_back(x.shape[d]);
        (reduced ? redStrides : keepStrides).push_back(x.strides[d]);
    }
    const Folded k = fold("sum_to", keep, {keepStrides}), d = fold("sum_to", red, {redStrides});
    SumToParams p{};
    std::memcpy(p.keepShape, k.shape.data(), sizeof p.keepShape);
    std::memcpy(p.keepStride, k.strides[0].data(), sizeof p.keepStride);
    std::memcpy(p.redShape, d.shape.data(), sizeof p.redShape);
    std::memcpy(p.redStride, d.strides[0].data(), sizeof p.redStride);
    p.outN = offset32("sum_to", shapeNumel(out.shape));
    p.redN = offset32("sum_to", shapeNumel(red));
    p.offX = x.offset;
    p.offO = out.offset;
    p.mode = p.redN >= kSharedSum ? 1 : 0;
    if (p.mode == 1)
        r.dispatchItems("sum_to", {x.buffer, VK_NULL_HANDLE, out.buffer}, &p, sizeof p, uint64_t(p.outN) * 64,
                        64);
    else
        r.dispatchItems("sum_to", {x.buffer, VK_NULL_HANDLE, out.buffer}, &p, sizeof p, p.outN, 64);
}

} // namespace loupe::compute::vk
