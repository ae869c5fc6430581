// SPDX-License-Identifier: MIT
#pragma once

#include "compute/tensor.h"

#include <memory>
#include <set>
#include <string>

namespace loupe::compute {

class Checkpoint;

// Hands out a checkpoint's tensors by name and shape for a BLIP model, f32 (wrapped in place when the
// file's data allows), remembering which were taken so that leftovers can be refused.
class BlipWeights
{
public:
    BlipWeights(const Checkpoint& ckpt, std::string modelClass);

    // Throws Error naming the folder for a missing tensor, a wrong shape or a non-float dtype.
    Tensor take(const std::string& name, const Shape& shape);
    bool has(const std::string& name) const;
    // Throws Error for the first tensor nothing took (a checkpoint of another layout).
    void requireAllUsed() const;
    int64_t parameterCount() const { return params_; }
    const std::string& where() const { return where_; }

private:
    std::shared_ptr<const Checkpoint> ckpt_;
    std::string modelClass_, where_;
    std::set<std::string> unused_;
    int64_t params_ = 0;
};

} // namespace loupe::compute
