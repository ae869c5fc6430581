// SPDX-License-Identifier: MIT
#pragma once

#include "compute/autograd/backward.h"
#include "compute/graph/graph.h"

#include <map>
#include <string>
#include <vector>

namespace loupe::compute {

class Scheduler;

// Reverse mode as a graph: the forward nodes a gradient run needs followed by the backward nodes, so
// any backend runs it through the Scheduler (ops a device lacks go to the CPU). A Linear with an
// activation whose input gradient is asked for is split into Linear + Act, so act'(z) reads z.
struct GradientGraph
{
    Graph graph;
    std::string seed = "__grad.seed"; // the Input the seed (shaped like the output) binds to
    // Per storage root of the model graph: the kept node of `graph` holding its value / gradient
    // (empty: not kept, or no gradient reaches it). Inputs' values come from the bound inputs.
    std::vector<std::string> values, grads;
    std::vector<bool> gradWanted; // per root, as GradientRun::gradWanted
};

// The same semantics as runWithGradients(g, ..., output, seed, request): gradients per storage root,
// only along paths from a requested node to the output. Throws Error for an op without a gradient
// (fused attention, the backward ops), a gradient requested for a weight or through a parameter.
GradientGraph buildGradientGraph(const Graph& g, NodeId output, const GradientRequest& request);

// Runs a built gradient graph with `scheduler` and reads its kept nodes into a GradientRun of `g`.
GradientRun runGradientGraph(const Graph& g, const GradientGraph& gg,
                             const std::map<std::string, Tensor>& inputs, const Tensor& seed,
                             Scheduler& scheduler);

// runWithGradients on the scheduler's device: the CPU keeps the direct CPU sweep (it is tuned); any
// other device runs the gradient graph through the scheduler, which falls back to the CPU when the
// device fails. Either way the scheduler records what ran it.
GradientRun runWithGradients(const Graph& g, const std::map<std::string, Tensor>& inputs, NodeId output,
                             const Tensor& seed, const GradientRequest& request, Scheduler& scheduler);

} // namespace loupe::compute
