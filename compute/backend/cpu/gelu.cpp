// SPDX-License-Identifier: MIT
#include "compute/backend/cpu/ops.h"
#include "compute/backend/cpu/vmath.h"
#include "compute/threadpool.h"

#include <algorithm>

namespace loupe::compute::cpu {

// Elementwise activations (GELU erf / tanh / quick, ReLU, SiLU, ...), vectorised in vmath.cpp.
void activation(const Tensor& out, const Tensor& xIn, Activation act)
{
    const Tensor x = xIn.contiguous();
    const int64_t n = x.numel();
    parallelFor((n + 1023) / 1024, 16, [&](int64_t c0, int64_t c1) {
        const int64_t b = c0 * 1024, e = std::min(n, c1 * 1024);
        applyActivation(act, x.ptr<float>() + b, out.ptr<float>() + b, e - b);
    });
}

} // namespace loupe::compute::cpu
