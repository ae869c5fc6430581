// SPDX-License-Identifier: MIT
#include "compute/backend/cpu/ops.h"
#include "compute/backend/cpu/vmath.h"
#include "compute/threadpool.h"

#include <algorithm>
#include <cmath>

namespace loupe::compute::cpu {

// softmax(scale * x) over the last dim (scale > 0), max-subtracted, in f32 whatever the weights were (fp16
// attention scores overflow: onnxruntime #11384).
void softmax(const Tensor& out, const Tensor& xIn, float scale)
{
    const Tensor x = xIn.contiguous();
    const int64_t d = x.shape().back();
    const int64_t rows = x.numel() / std::max<int64_t>(d, 1);
    parallelFor(rows, 16, [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            const float* xr = x.ptr<float>() + r * d;
            float* o = out.ptr<float>() + r * d;
            const float mx = vmax(xr, d);
            const float shift = std::isfinite(mx) ? mx * scale : 0.f;
            vexpShifted(xr, o, d, scale, shift);
            vscale(o, d, 1.f / vsum(o, d));
        }
    });
}

} // namespace loupe::compute::cpu
