// SPDX-License-Identifier: MIT
#pragma once

#include "compute/graph/graph.h"

#include <functional>

namespace loupe::compute {

// Rewrites every attention chain
//   s = MatMul(q, kT) [, s2 = Add(s, bias) in either operand order], p = Softmax(s | s2, scale),
//   o = MatMul(p, v)
// into o = Attention(q, k, v, bias, scale) when nobody can see the scores or probabilities: s, s2 and p
// are not kept and have no reader outside the chain (a gradient graph reading p keeps the chain), q, kT
// and v are rank 2 to 4 f32 (lower ranks and broadcast batch dims become rank-4 views), kT is a view
// whose last two dims transpose some k (or a Cont of one, or any tensor: k is then a view of it with the
// last two strides swapped) and `supported(attention node)` holds.
//
// Observation is decided when a graph is built: a model marks what its caller observes with keep /
// keepMatching ("blk.*.attn_probs"), and backends observe and return kept nodes only (cpu_backend.cpp,
// graph_segments.cpp), so a name alone does not make a node visible to anyone after that.
//
// `supported` sees the Attention node as it would be built, its src the original graph's q, k^T (or
// the view under its Cont, [.., D, N]), v and bias.
//
// Node ids change: every other node keeps its name and keep flag, and a kept node without a name gets
// the name its old id was reported under ("node.<old id>"), so callers find their outputs as before.
// Returns a copy of `g` when nothing fuses.
Graph fuseAttention(const Graph& g, const std::function<bool(const Node&)>& supported);

// How many Attention nodes a graph holds (for tests and the benchmark's report).
int countAttention(const Graph& g);

// False when LOUPE_NO_FUSED_ATTENTION is set to anything but "0" or "": the pass then never runs.
bool fusedAttentionEnabled();

} // namespace loupe::compute
