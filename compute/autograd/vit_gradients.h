// SPDX-License-Identifier: MIT
#pragma once

#include "compute/models/vit.h"
#include "compute/tensor.h"

#include <vector>

namespace loupe::compute {

// Gradients of logits[b, targetClass] summed over the batch (so each image gets its own gradient),
// as transformers' autograd gives them: attnGrads[l] = d target / d attentions.l, inputGrad = d target /
// d pixel_values.
struct VitGradients
{
    Tensor logits;                  // [B, num_labels]
    std::vector<Tensor> attentions; // [B, H, N, N] per layer
    std::vector<Tensor> attnGrads;  // [B, H, N, N] per layer
    Tensor inputGrad;               // [B, C, H, W]
};

// Throws Error when the model has no classification head or targetClass is out of range.
VitGradients vitGradients(const VitModel& model, const Tensor& pixelValues, int64_t targetClass);

} // namespace loupe::compute
