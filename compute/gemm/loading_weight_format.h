// SPDX-License-Identifier: MIT
#pragma once

#include "compute/gemm/gemm.h"

namespace loupe::compute {

// The format the linear weights of a model being loaded on this thread are packed at. A model's
// fromCheckpoint opens a scope with its checkpoint's linearWeightFormat(); the loaders beneath it
// (fromTensors, the shared transformer blocks, SAM's and BLIP's weight helpers) read it where they
// pack, so that a precision reaches every packing line without threading a parameter through each
// loader's signature. Outside any scope it is f32, as models built from tensors in tests expect.
class WeightFormatScope
{
public:
    explicit WeightFormatScope(const WeightFormat& format);
    ~WeightFormatScope();
    WeightFormatScope(const WeightFormatScope&) = delete;
    WeightFormatScope& operator=(const WeightFormatScope&) = delete;

private:
    WeightFormat previous_;
};

WeightFormat loadingWeightFormat();

} // namespace loupe::compute
