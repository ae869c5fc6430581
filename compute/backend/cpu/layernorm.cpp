// SPDX-License-Identifier: MIT
#include "compute/backend/cpu/ops.h"
#include "compute/backend/cpu/vmath.h"
#include "compute/threadpool.h"

#include <algorithm>
#include <cmath>

namespace loupe::compute::cpu {

// Two passes per row (mean, then variance of the centred values) in float, as PyTorch's CPU kernel
// does up to summation order; biased variance, eps inside the square root.
void layerNorm(const Tensor& out, const Tensor& xIn, const Tensor& wIn, const Tensor& bIn, float eps)
{
    const Tensor x = xIn.contiguous(), w = wIn.contiguous(), b = bIn.contiguous();
    const int64_t d = x.shape().back();
    const int64_t rows = x.numel() / std::max<int64_t>(d, 1);
    const float* wp = w.ptr<float>();
    const float* bp = b.ptr<float>();
    parallelFor(rows, 8, [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            const float* xr = x.ptr<float>() + r * d;
            float* o = out.ptr<float>() + r * d;
            const float mean = vsum(xr, d) / float(d);
            const float var = vsumSquaredDiff(xr, d, mean);
            const float inv = 1.f / std::sqrt(var / float(d) + eps);
            for (int64_t i = 0; i < d; ++i)
                o[i] = (xr[i] - mean) * inv * wp[i] + bp[i];
        }
    });
}

} // namespace loupe::compute::cpu
