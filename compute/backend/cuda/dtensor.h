// SPDX-License-Identifier: MIT
#pragma once

#include "compute/backend/cuda/kernels.h"
#include "compute/tensor.h"

#include <vector>

namespace loupe::compute::cuda {

// A tensor in device memory: `data` points at its first element, strides are in elements (any view).
struct DTensor
{
    float* data = nullptr;
    Shape shape;
    Shape strides;
    int64_t numel() const { return shapeNumel(shape); }
    bool packed() const { return strides == contiguousStrides(shape) || numel() <= 1; }
};

// The layout a strided kernel walks: `out`'s shape, with a's and b's strides right-aligned to it (size-1
// dims broadcast with stride 0), adjacent dims merged where every operand allows it. Throws a "cuda:"
// Error naming `op` when more than kMaxDims dims remain.
Layout makeLayout(const char* op, const DTensor& out, const DTensor& a, const DTensor* b = nullptr);

// The two walks of launchSumTo over x (any strides) summed to `outShape` (numpy-broadcast: dims of size
// 1 or missing are reduced): `kept` visits the output's elements in order, `reduced` the elements of x
// summed into each; both carry x's strides in `so`.
void sumToLayouts(const DTensor& x, const Shape& outShape, Layout& kept, Layout& reduced);

} // namespace loupe::compute::cuda
