// SPDX-License-Identifier: MIT
#include "compute/models/blip_weights.h"

#include "compute/error.h"
#include "compute/io/checkpoint.h"

namespace loupe::compute {

BlipWeights::BlipWeights(const Checkpoint& ckpt, std::string modelClass)
    : ckpt_(std::make_shared<Checkpoint>(ckpt)), modelClass_(std::move(modelClass)),
      where_(ckpt.folder().string())
{
    for (const std::string& n : ckpt_->names())
        unused_.insert(n);
    // Buffers some checkpoints carry; the forward pass never reads them.
    for (auto it = unused_.begin(); it != unused_.end();)
        it = it->ends_with("position_ids") ? unused_.erase(it) : std::next(it);
}

bool BlipWeights::has(const std::string& name) const
{
    return ckpt_->contains(name);
}

Tensor BlipWeights::take(const std::string& name, const Shape& shape)
{
    const TensorView* v = ckpt_->find(name);
    if (!v) throw Error(where_, "missing tensor '" + name + "' required by " + modelClass_);
    if (v->shape != shape)
        throw Error(where_, "tensor '" + name + "' has shape " + shapeString(v->shape) + ", expected " +
                                shapeString(shape) + " from config.json");
    if (!isFloating(v->dtype))
        throw Error(where_, "tensor '" + name + "' has non-float dtype " + std::string(dtypeName(v->dtype)));
    unused_.erase(name);
    params_ += shapeNumel(shape);
    const bool aligned = reinterpret_cast<uintptr_t>(v->data) % alignof(float) == 0;
    if (v->dtype == DType::F32 && aligned)
        return Tensor::wrap(const_cast<void*>(v->data), DType::F32, v->shape, ckpt_);
    return Tensor::fromF32(v->shape, toF32(*v));
}

void BlipWeights::requireAllUsed() const
{
    if (!unused_.empty())
        throw Error(where_, "unexpected tensor '" + *unused_.begin() + "' for " + modelClass_ +
                                " (is config.json right?)");
}

} // namespace loupe::compute
