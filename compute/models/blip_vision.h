// SPDX-License-Identifier: MIT
#pragma once

#include "compute/graph/graph_cache.h"
#include "compute/models/blip_config.h"
#include "compute/tensor.h"

#include <memory>
#include <vector>

namespace loupe::compute {

class Scheduler;

class BlipWeights;

struct BlipVisionRunOptions
{
    bool hiddenStates = false; // embeddings and every layer's output (before post_layernorm), [B, N, D]
    bool attentions = false;   // self-attention probabilities [B, H, N, N] per layer
};

struct BlipVisionOutput
{
    Tensor imageEmbeds; // [B, N, D]: last_hidden_state, after post_layernorm (what the text models read)
    std::vector<Tensor> hiddenStates, attentions;
};

// BLIP's vision model (BlipVisionModel): patch convolution with bias, class embedding and learned
// positions (no LayerNorm before the layers), pre-LN layers with a fused qkv projection, post_layernorm
// over every token. Graph node names: "vision.embed.out", "vision.blk.{i}." + the shared block's names
// (transformer/block.h), "vision.post_norm".
class BlipVisionModel
{
public:
    static BlipVisionModel load(const BlipVisionConfig& config, BlipWeights& weights);

    const BlipVisionConfig& config() const;
    // Where forward passes run (the checkpoint's backend choice; the CPU after a device failure).
    // Models made of several parts share one, so a device failure moves all of them.
    Scheduler& scheduler() const;
    void setScheduler(std::shared_ptr<Scheduler> scheduler);
    // pixelValues: f32 [B, 3, image_size, image_size]; throws Error for another shape.
    BlipVisionOutput forward(const Tensor& pixelValues, const BlipVisionRunOptions& options = {}) const;

    // The forward graph for pixel_values of this shape, uncompiled (for autograd).
    Graph buildGraph(const Shape& pixelShape, const BlipVisionRunOptions& options = {}) const;

    struct Impl;

private:
    std::shared_ptr<Impl> d_;
};

} // namespace loupe::compute
