// SPDX-License-Identifier: MIT
#pragma once

#include "compute/gemm/gemm.h"

#include <cstdint>

namespace loupe::compute {

// Vectorised transcendental loops for the CPU kernels (AVX2+FMA, the x86-64-v3 baseline the engine is
// built for), with scalar std:: fallbacks selected by LOUPE_DISABLE_SIMD. Relative error of the vector
// versions is a few float ulps, far inside the golden tolerances.
void vexp(const float* x, float* y, int64_t n);                                  // y = exp(x)
void vexpShifted(const float* x, float* y, int64_t n, float scale, float shift); // y = exp(scale*x - shift)
void verf(const float* x, float* y, int64_t n);
void vtanh(const float* x, float* y, int64_t n);
// y = act(x); x and y may alias.
// Reductions with eight (AVX2) partial sums; the scalar paths add in index order.
float vsum(const float* x, int64_t n);
float vmax(const float* x, int64_t n);
float vsumSquaredDiff(const float* x, int64_t n, float mean); // sum (x - mean)^2
void vscale(float* x, int64_t n, float s);                    // x *= s
float activationScalar(Activation act, float x);
void applyActivation(Activation act, const float* x, float* y, int64_t n);

} // namespace loupe::compute
