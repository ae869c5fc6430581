// SPDX-License-Identifier: MIT
#include "compute/generate/language_model.h"

#include "compute/error.h"

namespace loupe::compute::generate {

std::vector<std::vector<float>> LanguageModel::startPadded(const std::vector<std::vector<int64_t>>&,
                                                           const std::vector<std::vector<uint8_t>>&, int64_t)
{
    throw Error("generate", "this model cannot mask padding, so prompts of a batch cannot be padded");
}

} // namespace loupe::compute::generate
