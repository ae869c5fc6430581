// SPDX-License-Identifier: MIT
#pragma once

#include "compute/models/vit.h"
#include "compute/tensor.h"

#include <map>
#include <string>
#include <vector>

namespace loupe::compute {

// What vitGradients returns besides the logits. Asking for less makes the backward pass shorter:
// without attentions and input gradient, only the blocks after the earliest requested node run backward.
struct VitGradientRequest
{
    bool attentions = true; // attentions[l] and attnGrads[l] for every layer
    bool inputGrad = true;  // d target / d pixel_values
    // Graph node names (VitModel lists them: "blk.10.out", "blk.11.ln1", ...) whose value and gradient
    // are returned in nodeValues / nodeGrads.
    std::vector<std::string> nodes;
    bool interpolatePosEncoding = false; // accept other input sizes (see VitRunOptions)
};

// Gradients of y = sum_b logits[b, targets[b]]: image b's gradient is d logits[b, targets[b]] / d (its
// inputs and activations), as transformers' autograd gives them (images never mix in a ViT), so a batch
// holds independent explanations: integrated-gradients steps, or several targets of one image.
struct VitGradients
{
    Tensor logits;                  // [B, num_labels]
    std::vector<Tensor> attentions; // [B, H, N, N] per layer (when requested)
    std::vector<Tensor> attnGrads;  // [B, H, N, N] per layer (when requested)
    Tensor inputGrad;               // [B, C, H, W] (when requested)
    std::map<std::string, Tensor> nodeValues, nodeGrads; // by requested node name
};

// Throws Error when the model has no classification head, targets does not hold one class per image,
// a class is out of range, or a requested node name is not in the graph.
VitGradients vitGradients(const VitModel& model, const Tensor& pixelValues, const std::vector<int64_t>& targets,
                          const VitGradientRequest& request = {});
// The node Grad-CAM reads: the tokens entering the last block's first LayerNorm ("blk.{L-2}.out", or
// "embed.out" for a one-block model). Ask for it in VitGradientRequest::nodes.
std::string vitGradCamNode(const VitModel& model);

// The same target class for every image.
VitGradients vitGradients(const VitModel& model, const Tensor& pixelValues, int64_t targetClass);

} // namespace loupe::compute
