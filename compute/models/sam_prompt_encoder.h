// SPDX-License-Identifier: MIT
#pragma once

#include "compute/models/sam_config.h"
#include "compute/models/sam_weights.h"

#include <array>
#include <optional>
#include <vector>

namespace loupe::compute::sam {

// One click-set for the decoder, in the model's input pixels (the resized image before padding): points
// with labels 1 (foreground) / 0 (background), an optional box x0, y0, x1, y1, and optionally the
// low-resolution mask logits [4g, 4g] of an earlier prediction.
struct Prompt
{
    std::vector<std::array<double, 2>> points;
    std::vector<int> labels;
    std::optional<std::array<double, 4>> box;
    Tensor maskInput;
};

struct PromptEmbeddings
{
    Tensor sparse; // [tokens, C]: points (padded with a "not a point" when there is no box), box corners
    Tensor dense;  // [g*g, C]: the mask input's embedding, or no_mask_embed everywhere
};

// SamPromptEncoder with the shared random-Fourier positional embedding.
class PromptEncoder
{
public:
    static PromptEncoder load(const SamPromptEncoderConfig& config, int64_t numPosFeats,
                              WeightSource& weights);

    PromptEmbeddings encode(const Prompt& prompt) const;
    // The positional embedding of every embedding-grid cell centre, [g*g, C] (computed at load).
    const Tensor& imagePositions() const { return imagePe_; }

private:
    SamPromptEncoderConfig cfg_;
    Tensor gaussian_; // [2, F]
    Tensor notAPoint_, noMask_;
    std::vector<Tensor> pointEmbed_; // [C] each: negative, positive, box corner 1, box corner 2
    LinearWeight conv1_, conv2_, conv3_;
    Tensor conv1b_, conv2b_, conv3b_, ln1w_, ln1b_, ln2w_, ln2b_;
    Activation act_ = Activation::GeluErf;
    Tensor imagePe_;

    // sin/cos features of a point with coordinates already normalised to [0, 1], written to out[C].
    void fourier(double x, double y, float* out) const;
    Tensor embedMask(const Tensor& mask) const;
};

} // namespace loupe::compute::sam
