// SPDX-License-Identifier: MIT
#pragma once

#include "compute/tensor.h"

#include <cstddef>
#include <string>

namespace loupe::compute {

// True when none of the n values is NaN or infinite.
bool allFinite(const float* values, size_t n);

// Throws Error("the model produced non-finite outputs (NaN/inf) for IMAGE: check the weights") when
// any value of `outputs` (logits, probabilities, a saliency map: any float tensor) is NaN or infinite.
// Broken weights or a processor that overflows make every class NaN; without this the commands
// printed `nan` probabilities and succeeded.
void requireFiniteOutputs(const Tensor& outputs, const std::string& image);
void requireFiniteOutputs(const float* values, size_t n, const std::string& image);

} // namespace loupe::compute
