// SPDX-License-Identifier: MIT
#pragma once

#include "compute/models/clip.h"
#include "compute/tensor.h"

#include <vector>

namespace loupe::compute {

// What clipVisionGradients returns: per image b, the gradients of logits_per_image[b, text b].
struct ClipVisionGradients
{
    Tensor logits;                  // [B] the differentiated logits
    Tensor imageEmbeds;             // [B, E] L2-normalised
    std::vector<Tensor> attentions; // [B, H, N, N] per vision layer
    std::vector<Tensor> attnGrads;  // [B, H, N, N] per vision layer: d logit / d attention probabilities
};

// d (logit_scale.exp() * image_embeds[b] . textEmbeds[b]) / d vision attentions, through the engine's
// autograd. Image b is paired with text row b (L2-normalised, as ClipTextOutput::embeds), so one batch
// holds the explanations of several texts for one image (repeat the image). The normalisation and dot
// product are differentiated in closed form on the host, d logit / d v = s (t - (u.t) u) / |v| with
// u = v / |v|, and that vector seeds the graph's backward pass from the unnormalised projection v.
// Throws Error when the batch sizes differ or the widths do not match the projection.
ClipVisionGradients clipVisionGradients(const ClipModel& model, const Tensor& pixelValues,
                                        const Tensor& textEmbeds);

} // namespace loupe::compute
