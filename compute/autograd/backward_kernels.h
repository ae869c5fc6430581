// SPDX-License-Identifier: MIT
#pragma once

// The backward kernels behind runWithGradients (internal to compute/autograd). Every kernel writes a
// packed result; the driver adds it into the operand's storage through the operand's strides.

#include "compute/gemm/gemm.h"
#include "compute/tensor.h"

#include <cstdint>

namespace loupe::compute::autograd {

// dst[i] += sign * src[i] over the logical `shape`, dst read through `dstStrides` (0 = a broadcast dim,
// whose entries are summed), src packed. Parallel over rows unless dst entries alias each other.
void accumulate(float* dst, const Shape& shape, const Shape& dstStrides, const float* src, float sign = 1.0f);
// dst (packed) = gy * v, v read through broadcast strides over `shape`.
void multiplyBroadcast(float* dst, const float* gy, const float* v, const Shape& shape, const Shape& vStrides);

// gz = gy * act'(z), n elements (vectorised; parallel).
void activationBackward(Activation act, const float* z, const float* gy, float* gz, int64_t n);

// gx = scale * y * (gy - sum(gy * y)) per row of `cols`.
void softmaxBackward(const float* y, const float* gy, float* gx, int64_t rows, int64_t cols, float scale);
// LayerNorm over rows of `cols` with weight w (may be null) and eps; x is the forward input.
void layerNormBackward(const float* x, const float* w, const float* gy, float* gx, int64_t rows, int64_t cols,
                       double eps);

// The two operands' gradients of out = concat(a, b, dim): out packed with `outShape`.
void concatBackward(const float* gy, const Shape& outShape, int64_t dim, int64_t splitAt, float* ga, float* gb);

// Adjoint of cpu::bicubic: gx [planes, H, W] (zeroed here) from gy [planes, OH, OW].
void bicubicBackward(const float* gy, float* gx, int64_t planes, int64_t H, int64_t W, int64_t OH, int64_t OW,
                     double scaleH, double scaleW);

// Patch-embedding input gradient: gcols [B * patches, C*P*P] scattered back to pixels [B, C, H, W]
// (pixels outside the patch grid get 0).
void col2im(const float* gcols, float* gx, int64_t B, int64_t C, int64_t H, int64_t W, int64_t P);

} // namespace loupe::compute::autograd
