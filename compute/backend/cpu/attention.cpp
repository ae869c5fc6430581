// SPDX-License-Identifier: MIT
#include "compute/backend/cpu/ops.h"
#include "compute/error.h"

namespace loupe::compute::cpu {

void attention(const Tensor&, const Tensor&, const Tensor&, const Tensor&, const Tensor*, float)
{
    throw Error("cpu", "the fused attention kernel is not built yet");
}

} // namespace loupe::compute::cpu
