// SPDX-License-Identifier: MIT
#pragma once

#include "compute/attribution/attention_maps.h"

#include <vector>

namespace loupe::compute::attribution {

// The two Grad-CAM conventions for ViT-style encoders that users compare against (ATTRIBUTION.md).
enum class GradCamConvention {
    // pytorch-grad-cam's ViT recipe: activations = the output of a block's first LayerNorm
    // (target_layers=[blocks[-1].norm1]), special tokens dropped, patches as a grid.
    LayerNormOutput,
    // Chefer et al.'s attention Grad-CAM: a block's CLS attention row per head, weighted by the head's
    // mean gradient over that row.
    AttentionChefer,
};

// Channel Grad-CAM, generic over models: `features` and `grads` are one image's tokens [tokens, channels]
// row-major and d target / d those tokens (for LayerNormOutput: the LayerNorm's output). The special tokens
// before grid.firstPatchToken (CLS, distillation) are dropped and the patches read as a rows×cols grid:
//   α_c = mean over patches of grads[p, c];  cam[p] = ReLU(Σ_c α_c · features[p, c]).
// Returns rows×cols values, row-major, unnormalised. Throws std::invalid_argument when the grid does not
// fit the tokens.
std::vector<float> gradCam(const float* features, const float* grads, int tokens, int channels,
                           const PatchGrid& grid);

// Attention Grad-CAM (Chefer et al.): `probs` and `grads` are one image's attention probabilities of one
// block and d target / d them, [heads, tokens, tokens] row-major. With a_h = probs[h, 0, patches] (the
// CLS row over the patches) and g_h = grads[h, 0, patches]:
//   w_h = mean(g_h);  cam = ReLU(mean_h w_h · a_h).
// Returns rows×cols values, row-major, unnormalised. Throws std::invalid_argument when the grid does not
// fit the tokens or there are no heads.
std::vector<float> attentionGradCam(const float* probs, const float* grads, int heads, int tokens,
                                    const PatchGrid& grid);

} // namespace loupe::compute::attribution
