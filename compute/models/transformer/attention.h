// SPDX-License-Identifier: MIT
#pragma once

#include "compute/models/transformer/linear_weight.h"

#include <string>

namespace loupe::compute::transformer {

// Self-attention with the query, key and value projections fused into one [3D, D] weight (rows: q, k,
// v): one GEMM with N = 3D splits better across threads than three with N = D, and the heads are
// strided views of its output.
struct AttentionWeights
{
    LinearWeight qkv;
    Tensor qkvBias; // [3D] or undefined
    LinearWeight out;
    Tensor outBias;
};

// Cross-attention: queries from the decoder, keys and values (fused [2D, D_enc], rows k, v) from the
// encoder's states, computed once per input and reused at every decoding step.
struct CrossAttentionWeights
{
    LinearWeight q;
    Tensor qBias;
    LinearWeight kv;
    Tensor kvBias;
    LinearWeight out;
    Tensor outBias;

    bool defined() const { return q.defined(); }
};

// Keys and values of positions already processed, as graph inputs over a preallocated cache of
// `capacity` positions ([B, H, capacity, head_dim] each); the first `length` slots are read. A decoder
// may read more slots than are filled (a length rounded up, so one graph serves many steps) and drop
// the unfilled ones with `mask`, additive and broadcastable to [B, H, n, length].
struct PastKeyValues
{
    NodeId k = -1, v = -1;
    int64_t length = 0;
    NodeId mask = -1;
};

struct AttentionSpec
{
    int64_t heads = 1;
    bool causal = false; // new positions see earlier ones only (the past is always visible)
    NodeId additiveMask =
        -1; // broadcastable to [B, H, n, past + n]: 0 keeps, a large negative drops (padding)
    PastKeyValues past;
    bool exportKeyValues = false; // add packed "k_new"/"v_new" [B, H, n, hd] nodes to append to a cache
};

// Keys and values [B, H, N_enc, hd] for cross-attention (nodes of the graph, or inputs computed once).
struct KeyValueNodes
{
    NodeId k = -1, v = -1;
};

// Nodes named `prefix` + "qkv", "k_new", "v_new" (exportKeyValues), "attn_scores", "attn_probs"
// ([B, H, n, past + n], the probabilities that multiply V), "attn_ctx" and "attn_res" (output
// projection + residual; the returned node). residual may be -1.
NodeId selfAttention(Graph& g, NodeId x, NodeId residual, const AttentionWeights& w, const AttentionSpec& s,
                     const std::string& prefix);

// Projects encoder states [B, N_enc, D_enc] to cross-attention keys and values, named `prefix` +
// "cross_k" and "cross_v" ([B, H, N_enc, hd], packed).
KeyValueNodes crossKeyValues(Graph& g, NodeId encoderStates, const CrossAttentionWeights& w, int64_t heads,
                             const std::string& prefix);

// Nodes `prefix` + "cross_q", "cross_scores", "cross_probs" ([B, H, n, N_enc]), "cross_ctx",
// "cross_res" (returned). additiveMask: broadcastable to [B, H, n, N_enc], or -1.
NodeId crossAttention(Graph& g, NodeId x, NodeId residual, const CrossAttentionWeights& w, KeyValueNodes kv,
                      int64_t heads, NodeId additiveMask, const std::string& prefix);

// The additive causal mask of n new positions after `past` cached ones: [1, 1, n, past + n], 0 where a
// position may look, the float minimum elsewhere (transformers' masked value).
Tensor causalMask(int64_t n, int64_t past);

} // namespace loupe::compute::transformer
