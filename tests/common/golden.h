// SPDX-License-Identifier: MIT
#pragma once

#include "compute/io/safetensors.h"
#include "compute/io/tensor_view.h"

#include <QString>
#include <cstdint>
#include <string>
#include <vector>

namespace loupe::test {

struct Tolerance
{
    double atol = 0.0;
    double rtol = 0.0;
};

// The tolerance of `tensor` in a golden case: case.json tensors.NAME.group -> tolerances.GROUP.
Tolerance goldenTolerance(const QString& caseDir, const QString& tensor);

// numpy.allclose(actual, expected, rtol, atol) elementwise. Empty string when every element is within
// tolerance; otherwise a message naming the tensor, the worst element and how far off it is.
QString compareClose(const QString& name, const std::vector<float>& actual,
                     const compute::TensorView& expected, Tolerance tol);

// An int64 tensor of a golden case (token ids), as a vector.
std::vector<int64_t> goldenIds(const compute::SafetensorsFile& f, const std::string& name);

} // namespace loupe::test
