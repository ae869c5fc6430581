// SPDX-License-Identifier: MIT
#pragma once

#include "compute/gemm/gemm.h"
#include "compute/graph/graph.h"
#include "compute/tensor.h"

#include <memory>

namespace loupe::compute::autograd {

// A weight node's value as a packed row-major f32 tensor (linear weights held only in the GEMM's blocked
// layout are unpacked; not cached: the backward pass multiplies by packedInputGradWeight instead).
Tensor plainWeight(const Node& weight);

// A linear weight W [N, K] ready as the B operand of the input gradient dX [M, K] = dY [M, N] · W, i.e.
// Wᵀ packed into the GEMM's blocked layout (a plain row-major B costs oneDNN about 2.5x the time of a
// packed one at ViT sizes). Made once per weight and cached while the weight lives: for ViT-B/16 a
// second 330 MiB of weights after the first gradient run. Null when the GEMM has no packed kernel
// (oneDNN off) or the weight's memory has no owner to watch; then multiply by plainWeight.
std::shared_ptr<const PackedWeight> packedInputGradWeight(const Node& weight);

// Drops every cached weight (memory back; the next gradient run packs again).
void releaseGradientWeights();

} // namespace loupe::compute::autograd
