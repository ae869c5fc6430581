// SPDX-License-Identifier: MIT
#pragma once

#include "compute/attribution/attention_maps.h"

#include <vector>

namespace loupe::compute::attribution {

// Grad-CAM for ViT-style encoders (ATTRIBUTION.md), generic over models: `features` and `grads` are one
// image's tokens [tokens, channels] row-major and d target / d those tokens, taken where the tokens enter
// the last block's first LayerNorm (the last block's own output patch tokens never reach CLS, so their
// gradient is zero). The special tokens before grid.firstPatchToken (CLS, distillation) are dropped and
// the patches read as a rows×cols grid with channels last:
//   α_c = mean over patches of grads[p, c];  cam[p] = ReLU(Σ_c α_c · features[p, c]).
// Returns rows×cols values, row-major, unnormalised. Throws std::invalid_argument when the grid does not
// fit the tokens.
std::vector<float> gradCam(const float* features, const float* grads, int tokens, int channels,
                           const PatchGrid& grid);

} // namespace loupe::compute::attribution
