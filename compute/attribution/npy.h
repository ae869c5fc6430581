// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace loupe::compute {

// NumPy .npy version 1.0, little-endian float32, C order. Throws Error naming the file on failure.
void writeNpyF32(const std::string& path, const std::vector<int64_t>& shape, const std::vector<float>& data);

struct NpyArray
{
    std::vector<int64_t> shape;
    std::vector<float> data;
};
// Reads what writeNpyF32 writes (and any '<f4' C-order .npy); throws Error naming the file otherwise.
NpyArray readNpyF32(const std::string& path);

} // namespace loupe::compute
