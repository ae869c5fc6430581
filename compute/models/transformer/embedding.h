// SPDX-License-Identifier: MIT
#pragma once

#include "compute/graph/graph.h"
#include "compute/tensor.h"

#include <string>
#include <vector>

namespace loupe::compute::transformer {

// Rows `ids` of an embedding table [V, D] as [ids.size(), D] (a gather: the graph has no such op, so
// token and position rows are looked up on the host and bound as inputs). Throws Error naming `what`
// for an id outside the table.
Tensor gatherRows(const Tensor& table, const std::vector<int64_t>& ids, const std::string& what);

// Graph inputs "token_embeds" and "position_embeds" [B, n, D], summed into the node "embed.out"
// (= hidden_states.0 of GPT-2 / CLIP text / BERT-style models before any embedding LayerNorm).
NodeId tokenPositionEmbedding(Graph& g, int64_t batch, int64_t tokens, int64_t width);

} // namespace loupe::compute::transformer
