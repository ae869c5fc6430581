// SPDX-License-Identifier: MIT
#include "compute/backend/cpu/ops.h"

namespace loupe::compute::cpu {

// Concatenation as two strided copies into the halves of the output.
void concat(const Tensor& out, const Tensor& a, const Tensor& b, int64_t dim)
{
    const int64_t na = a.size(dim);
    copy(out.slice(dim, 0, na), a);
    copy(out.slice(dim, na, out.size(dim)), b);
}

} // namespace loupe::compute::cpu
