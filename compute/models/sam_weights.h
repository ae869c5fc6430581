// SPDX-License-Identifier: MIT
#pragma once

#include "compute/models/transformer/linear_weight.h"
#include "compute/tensor.h"

#include <map>
#include <string>

namespace loupe::compute::sam {

using transformer::LinearWeight;

// The checkpoint's tensors as SAM's parts claim them: each is taken once with its expected shape, so
// missing, misshapen and left-over tensors are all reported against the checkpoint.
class WeightSource
{
public:
    WeightSource(std::map<std::string, Tensor> tensors, std::string source);

    Tensor take(const std::string& name, const Shape& shape);
    // A [rows, cols] table whose row count the checkpoint decides (relative position tables).
    Tensor takeRows(const std::string& name, int64_t cols);
    transformer::LinearWeight linear(const std::string& name, const Shape& shape);
    // Throws naming the first tensor nobody claimed.
    void checkAllUsed() const;
    int64_t parameterCount() const { return params_; }
    const std::string& source() const { return source_; }

private:
    std::map<std::string, Tensor> tensors_;
    std::string source_;
    int64_t params_ = 0;
};

} // namespace loupe::compute::sam
