// SPDX-License-Identifier: MIT
#include "compute/models/finite_outputs.h"

#include "compute/error.h"

#include <cmath>
#include <vector>

namespace loupe::compute {

bool allFinite(const float* values, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        if (!std::isfinite(values[i])) return false;
    return true;
}

void requireFiniteOutputs(const float* values, size_t n, const std::string& image)
{
    if (!allFinite(values, n))
        throw Error("the model produced non-finite outputs (NaN/inf) for " + image + ": check the weights");
}

void requireFiniteOutputs(const Tensor& outputs, const std::string& image)
{
    if (!outputs.defined()) return;
    const std::vector<float> v = outputs.toF32Vector();
    requireFiniteOutputs(v.data(), v.size(), image);
}

} // namespace loupe::compute
