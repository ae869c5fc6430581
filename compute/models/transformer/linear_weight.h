// SPDX-License-Identifier: MIT
#pragma once

#include "compute/gemm/gemm.h"
#include "compute/gemm/loading_weight_format.h"
#include "compute/graph/graph.h"
#include "compute/tensor.h"

#include <memory>
#include <string>

namespace loupe::compute::transformer {

// A linear layer's weight [N, K] in PyTorch layout: plain, or only in the GEMM's packed layout once
// packed at load (with oneDNN on, the plain copy is dropped so the weights are held once).
struct LinearWeight
{
    Tensor w;
    std::shared_ptr<const PackedWeight> packed;

    bool defined() const { return packed || (w.defined() && w.numel()); }
    size_t bytes() const { return packed ? packed->bytes() : w.nbytes(); }
};

// Packs a plain [N, K] f32 weight (any strides) when the GEMM has a packed kernel, at `format` (by
// default the one of the model being loaded on this thread, see loading_weight_format.h).
LinearWeight makeLinearWeight(const Tensor& plain, const WeightFormat& format = loadingWeightFormat());
// transformers' Conv1D (GPT-2) stores W as [in, out]; the engine's Linear wants [out, in].
LinearWeight makeLinearWeightFromConv1D(const Tensor& inOut);

// A LayerNorm's affine parameters.
struct NormWeights
{
    Tensor w, b;
};

// Graph nodes for weights; -1 for an undefined tensor (an absent bias).
NodeId weightNode(Graph& g, const std::string& name, const Tensor& t);
NodeId linearNode(Graph& g, const std::string& name, const LinearWeight& w);

} // namespace loupe::compute::transformer
