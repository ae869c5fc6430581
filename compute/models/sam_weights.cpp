// SPDX-License-Identifier: MIT
#include "compute/models/sam_weights.h"

#include "compute/error.h"

#include <algorithm>

namespace loupe::compute::sam {

WeightSource::WeightSource(std::map<std::string, Tensor> tensors, std::string source)
    : tensors_(std::move(tensors)), source_(std::move(source))
{
}

Tensor WeightSource::take(const std::string& name, const Shape& shape)
{
    auto it = tensors_.find(name);
    if (it == tensors_.end()) throw Error(source_, "missing tensor '" + name + "' required by SamModel");
    if (it->second.shape() != shape)
        throw Error(source_, "tensor '" + name + "' has shape " + shapeString(it->second.shape()) +
                                 ", expected " + shapeString(shape) + " from config.json");
    Tensor t = it->second.dtype() == DType::F32 ? it->second : it->second.to(DType::F32);
    params_ += t.numel();
    tensors_.erase(it);
    return t;
}

Tensor WeightSource::takeRows(const std::string& name, int64_t cols)
{
    auto it = tensors_.find(name);
    const int64_t rows = it != tensors_.end() && it->second.dim() == 2 ? it->second.size(0) : 1;
    return take(name, {std::max<int64_t>(rows, 1), cols});
}

transformer::LinearWeight WeightSource::linear(const std::string& name, const Shape& shape)
{
    return transformer::makeLinearWeight(take(name, shape));
}

void WeightSource::checkAllUsed() const
{
    if (!tensors_.empty())
        throw Error(source_, "unexpected tensor '" + tensors_.begin()->first +
                                 "' for SamModel (is config.json right?)");
}

} // namespace loupe::compute::sam
