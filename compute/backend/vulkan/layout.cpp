// SPDX-License-Identifier: MIT
#include "compute/backend/vulkan/layout.h"

#include "compute/backend/device_error.h"
#include "compute/error.h"

#include <limits>

namespace loupe::compute::vk {

namespace {

int32_t to32(const char* op, int64_t v)
{
    if (v > std::numeric_limits<int32_t>::max() || v < std::numeric_limits<int32_t>::min())
        throw DeviceError(DeviceFailure::Other, "vulkan",
                          std::string(op) + ": tensor too large for 32-bit addressing");
    return int32_t(v);
}

} // namespace

Folded fold(const char* op, const Shape& shape, const std::vector<Shape>& strides, int maxRank)
{
    Shape s;
    std::vector<Shape> st(strides.size());
    for (size_t d = 0; d < shape.size(); ++d) {
        if (shape[d] == 1) continue;
        bool merge = !s.empty();
        for (size_t k = 0; k < strides.size() && merge; ++k)
            merge = st[k].back() == strides[k][d] * shape[d];
        if (merge) {
            s.back() *= shape[d];
            for (size_t k = 0; k < strides.size(); ++k)
                st[k].back() = strides[k][d];
        } else {
            s.push_back(shape[d]);
            for (size_t k = 0; k < strides.size(); ++k)
                st[k].push_back(strides[k][d]);
        }
    }
    if (int(s.size()) > maxRank)
        throw Error("vulkan", std::string(op) + ": layout " + shapeString(shape) + " folds to " +
                                  std::to_string(s.size()) + " dims, more than the " +
                                  std::to_string(maxRank) + " the shader addresses");
    Folded f;
    f.rank = int(s.size());
    f.strides.assign(strides.size(), {0, 0, 0, 0});
    const size_t lead = 4 - s.size();
    for (size_t d = 0; d < s.size(); ++d) {
        f.shape[lead + d] = to32(op, s[d]);
        for (size_t k = 0; k < strides.size(); ++k)
            f.strides[k][lead + d] = to32(op, st[k][d]);
    }
    return f;
}

Shape broadcastStrides(const Shape& tShape, const Shape& tStrides, const Shape& out)
{
    Shape s(out.size(), 0);
    const size_t lead = out.size() - tShape.size();
    for (size_t i = 0; i < tShape.size(); ++i)
        s[lead + i] = tShape[i] == 1 ? 0 : tStrides[i];
    return s;
}

uint32_t offset32(const char* op, int64_t elements)
{
    if (elements < 0 || elements > int64_t(std::numeric_limits<int32_t>::max()))
        throw DeviceError(DeviceFailure::Other, "vulkan",
                          std::string(op) + ": tensor offset beyond 32-bit addressing");
    return uint32_t(elements);
}

} // namespace loupe::compute::vk
