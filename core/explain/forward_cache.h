// SPDX-License-Identifier: MIT
#pragma once

#include "compute/attribution/attention_maps.h"
#include "compute/attribution/faithfulness.h"
#include "compute/engine_options.h"
#include "core/explain/explainer.h"

#include <QString>
#include <vector>

namespace loupe::core {

// One image's forward pass through one model with every layer's attention probabilities kept, so raw
// attention and rollout follow their sliders (layer, head, fusion, discard, start layer, clicked token)
// without running the model again. ViT-B/16: 12 × 12 × 197² floats ≈ 22 MB.
struct CachedForward
{
    compute::attribution::PlanarImage image; // as the model saw it (preprocessed)
    compute::attribution::PatchGrid grid;
    std::vector<float> logits;
    int layers = 0, heads = 0, tokens = 0;
    std::vector<std::vector<float>> attentions; // per layer: [heads, tokens, tokens], row-major
    // What ran the pass: attention maps read from the cache inherit its device and precision.
    compute::ExecutionRecord execution;

    compute::attribution::AttentionSet attentionSet() const;
    std::vector<float> probabilities() const; // softmax of the logits
    std::vector<int> ranking() const;         // class indices, most probable first
    size_t bytes() const;
};

// One counted model pass (VitSession::forward) with attentions. Throws compute::Error.
CachedForward forwardWithAttentions(const VitSession& s, const compute::attribution::PlanarImage& image);

// attention and rollout: the methods computed from a CachedForward alone.
bool isAttentionMethod(const QString& method);

// The patch-grid map (rows × cols, raw values) of an attention method, read from the cache only.
// Throws compute::Error for a layer, head, start layer or token out of range or another method.
std::vector<float> attentionMap(const CachedForward& f, const ExplainParams& params);

} // namespace loupe::core
