// SPDX-License-Identifier: MIT
#pragma once

#include "compute/graph/graph.h"
#include "compute/tensor.h"

#include <map>
#include <string>
#include <vector>

namespace loupe::compute {

// What a caller wants back from a gradient run besides the output's value.
struct GradientRequest
{
    // Nodes whose gradient d(seed · output)/d node is returned. Only nodes that lie between one of these
    // and the output get gradients at all: asking for a late node makes the backward pass short.
    // A view's gradient is its storage's gradient seen through the view (memory is what is perturbed).
    std::vector<NodeId> gradients;
    // Nodes whose forward value is returned (every node in `gradients` and the output are anyway).
    std::vector<NodeId> values;
};

// Forward values and reverse-mode gradients of one graph run, indexed by NodeId. Only storage roots
// (non-view nodes) hold tensors; a view's value or gradient is read through its strides (valueOf/gradOf).
// Weights get no gradients.
struct GradientRun
{
    const Graph* graph = nullptr;
    std::vector<Tensor> values;   // per root: packed, defined where the value was kept
    std::vector<Tensor> grads;    // per root: packed, defined where a requested gradient arrived
    std::vector<bool> gradWanted; // per root: a gradient was requested
    // Throws Error when the value was not kept (ask for it in GradientRequest::values).
    Tensor valueOf(NodeId id) const;
    // Zeros when no gradient reached a requested node; throws Error for a node not requested.
    Tensor gradOf(NodeId id) const;
};

// Runs `g` forward on the CPU (keeping what the backward pass reads), then back-propagates `seed`
// (shaped like `output`) to the requested nodes. Linear and MatMul gradients run on the GEMM of
// compute/gemm; row ops are parallel on the engine's threads. Throws Error for unbound inputs, a seed
// of the wrong shape, and a gradient requested for a weight.
GradientRun runWithGradients(const Graph& g, const std::map<std::string, Tensor>& inputs, NodeId output,
                             const Tensor& seed, const GradientRequest& request);
// Gradients of every Input node.
GradientRun runWithGradients(const Graph& g, const std::map<std::string, Tensor>& inputs, NodeId output,
                             const Tensor& seed);

// Value and derivative of an activation at x in double precision (the reference for the tests).
double activationDerivative(Activation act, double x);
double activationValue(Activation act, double x);

} // namespace loupe::compute
