// SPDX-License-Identifier: MIT
#pragma once

#include "compute/attribution/gradcam.h"
#include "compute/autograd/vit_gradients.h"

#include <string>

namespace loupe::compute::attribution {

// Grad-CAM on a ViT: which convention, at which block.
struct VitGradCamOptions
{
    GradCamConvention convention = GradCamConvention::LayerNormOutput;
    int block = -1; // -1 = the last block; otherwise 0..L-1
};

// The graph node the convention reads at the block ("blk.{b}.ln1" or "blk.{b}.attn_probs"). Throws Error
// when the block is outside the model.
std::string vitGradCamNode(const VitModel& model, const VitGradCamOptions& options);

// The gradient request that yields that node alone (no attentions of other blocks, no input gradient), so
// only the blocks from the chosen one on run backward.
VitGradientRequest vitGradCamRequest(const VitModel& model, const VitGradCamOptions& options);

// The map of image `b` of a batch from gradients taken with vitGradCamRequest. Rows×cols, unnormalised.
std::vector<float> vitGradCamMap(const VitModel& model, const VitGradients& gradients, const PatchGrid& grid,
                                 const VitGradCamOptions& options, int64_t b = 0);

} // namespace loupe::compute::attribution
