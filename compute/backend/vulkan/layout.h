// SPDX-License-Identifier: MIT
#pragma once

#include "compute/tensor.h"

#include <array>
#include <cstdint>
#include <vector>

namespace loupe::compute::vk {

// A shape and the strides of several operands over it, folded for the shaders' 4-D addressing: size-1
// dims dropped, neighbours merged where every operand is contiguous across them, right-aligned into 4
// dims (size 1, stride 0 in front).
struct Folded
{
    std::array<int32_t, 4> shape{1, 1, 1, 1};
    std::vector<std::array<int32_t, 4>> strides;
    int rank = 0; // dims left after folding
};

// Throws Error naming `op` when more than `maxRank` dims remain or a value exceeds 32 bits.
Folded fold(const char* op, const Shape& shape, const std::vector<Shape>& strides, int maxRank = 4);

// Strides of `t` (shape tShape, strides tStrides) broadcast to `out` (numpy rules, 0 where size 1).
Shape broadcastStrides(const Shape& tShape, const Shape& tStrides, const Shape& out);

// Checks an element offset fits the shaders' 32-bit addressing.
uint32_t offset32(const char* op, int64_t elements);

} // namespace loupe::compute::vk
