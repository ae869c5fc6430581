// SPDX-License-Identifier: MIT
#pragma once

#include "compute/graph/graph.h"
#include "compute/tensor.h"

#include <vector>

namespace loupe::compute::autograd {

// Runs one node of a gradient run's forward pass on the CPU kernels into `out`, reading its sources from
// `values` (indexed by NodeId). When `preAct` is given, a Linear with an activation writes its
// pre-activation there and applies the activation separately: the backward pass needs act'(z).
void forwardNode(const Graph& g, const Node& n, const Tensor& out, const std::vector<Tensor>& values,
                 const Tensor& preAct);

} // namespace loupe::compute::autograd
