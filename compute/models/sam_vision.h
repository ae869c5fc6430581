// SPDX-License-Identifier: MIT
#pragma once

#include "compute/graph/graph.h"
#include "compute/models/sam_config.h"
#include "compute/models/sam_weights.h"

#include <vector>

namespace loupe::compute::sam {

// SAM's image encoder: a ViT whose layers attend within square windows (the token grid zero-padded to
// a multiple of the window) or globally, with decomposed relative positions, followed by the neck
// (1x1 conv, LayerNorm, 3x3 conv, LayerNorm over channels). forward() is the CPU's fused-kernel path;
// buildVisionGraph (sam_vision_graph.h) is the same encoder as a graph for the other backends.
class VisionEncoder
{
public:
    static VisionEncoder load(const SamVisionConfig& config, WeightSource& weights);

    // pixels [1, C, S, S] (S = image_size) -> embedding [g, g, output_channels], channels last.
    Tensor forward(const Tensor& pixels) const;

private:
    friend Graph buildVisionGraph(const VisionEncoder& encoder); // sam_vision_graph.h

    struct Layer
    {
        Tensor ln1w, ln1b, qkvb, projb, ln2w, ln2b, fc1b, fc2b;
        LinearWeight qkv, proj, fc1, fc2;
        Tensor relH, relW;  // [side, side, head_dim], gathered once at load
        int64_t window = 0; // 0: global
    };

    SamVisionConfig cfg_;
    LinearWeight patch_;
    Tensor patchB_, pos_;
    std::vector<Layer> layers_;
    LinearWeight neck1_, neck2_;
    Tensor neckLn1w_, neckLn1b_, neckLn2w_, neckLn2b_;
    Activation act_ = Activation::GeluErf;

    struct Buffers;
    void layer(Buffers& b, const Layer& L) const; // b.x -> b.x
};

} // namespace loupe::compute::sam
