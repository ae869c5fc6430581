// SPDX-License-Identifier: MIT
#pragma once

#include "compute/dtype.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace loupe::compute {

// A tensor stored in a checkpoint, row-major and contiguous, seen without copying: `data` points into a
// memory-mapped file (or a buffer the owning reader keeps alive). `data` may be only 1-byte aligned when a
// file's header length is not a multiple of the element size: read through memcpy or toF32().
struct TensorView
{
    std::string name;
    DType dtype = DType::F32;
    std::vector<int64_t> shape;
    const void* data = nullptr;
    size_t nbytes = 0;

    int64_t numel() const;
};

// Number of elements of `shape`, or nullopt if a dimension is negative or the product overflows
// (or exceeds what fits in memory with elements of `elemSize` bytes).
std::optional<uint64_t> checkedNumel(const std::vector<int64_t>& shape, size_t elemSize);

// The tensor converted to f32 (f32, f16, bf16, f64, i32, i64, u8, bool). Throws Error for other types.
std::vector<float> toF32(const TensorView& t);

} // namespace loupe::compute
