// SPDX-License-Identifier: MIT
#pragma once

#include "compute/graph/graph.h"
#include "compute/tensor.h"

#include <map>
#include <string>
#include <vector>

namespace loupe::compute {

// Forward values and reverse-mode gradients of one graph run, indexed by NodeId. Only storage roots
// (non-view nodes) hold tensors; a view's value or gradient is read through its strides (valueOf/gradOf).
// Gradients flow only along nodes that depend on an Input; weights get none.
struct GradientRun
{
    const Graph* graph = nullptr;
    std::vector<Tensor> values; // packed, per root node
    std::vector<Tensor> grads;  // packed, per root node reached by the seed; undefined elsewhere
    Tensor valueOf(NodeId id) const;
    Tensor gradOf(NodeId id) const; // zeros when no gradient reached the node
};

// Runs `g` forward on the CPU backend with every node kept, then back-propagates `seed` (shaped like
// `output`) through it. Throws Error for an op whose gradient is not implemented on the path (Bicubic).
GradientRun runWithGradients(const Graph& g, const std::map<std::string, Tensor>& inputs, NodeId output,
                             const Tensor& seed);

// Derivative of an activation at x (exposed for the finite-difference tests).
double activationDerivative(Activation act, double x);
double activationValue(Activation act, double x);

} // namespace loupe::compute
