// SPDX-License-Identifier: MIT
#pragma once

#include "compute/models/transformer/attention.h"
#include "compute/models/transformer/kv_cache.h"

#include <string>
#include <vector>

namespace loupe::compute {
class Scheduler;
}

namespace loupe::compute::transformer {

struct MlpWeights
{
    LinearWeight fc1;
    Tensor fc1Bias;
    LinearWeight fc2;
    Tensor fc2Bias;
    Activation act = Activation::GeluErf;
};

// fc2(act(fc1(x))) + residual; the activation's output is named `prefix` + "mlp_act", the result
// `prefix` + "mlp_out".
NodeId mlp(Graph& g, NodeId x, NodeId residual, const MlpWeights& w, const std::string& prefix);

// Where the LayerNorms sit: before each sub-layer with the residual added after (GPT-2, ViT, CLIP), or
// after the residual sum (BERT, BLIP's text models).
enum class NormPlacement { Pre, Post };

struct BlockWeights
{
    NormWeights ln1; // before (Pre) or after (Post) self-attention
    AttentionWeights attn;
    NormWeights lnCross; // around cross-attention, when the block has it
    CrossAttentionWeights cross;
    NormWeights ln2; // around the MLP
    MlpWeights mlp;
};

struct BlockSpec
{
    NormPlacement norm = NormPlacement::Pre;
    double eps = 1e-5;
    AttentionSpec attn;
    KeyValueNodes cross;   // required when the weights have cross-attention
    NodeId crossMask = -1; // additive, broadcastable to [B, H, n, N_enc]
};

// One transformer block. Node names (prefix "blk.3." for example): "ln1", the self-attention's names
// (attention.h), "ln_cross" and the cross-attention's names when present, "ln2", "mlp_act", and "out"
// (the block's output, = hidden_states.{i+1}; it is the node otherwise named "mlp_out" (Pre) or "ln2"
// (Post): a node has one name).
NodeId transformerBlock(Graph& g, NodeId h, const BlockWeights& w, const BlockSpec& s,
                        const std::string& prefix);

// Runs every block's cross-attention key/value projection of encoder states [B, N_enc, D_enc] once and
// stores them in `kv` (crossKeys/crossValues, one per block), so decode steps reuse them.
void computeCrossKeyValues(KvCache& kv, const Tensor& encoderStates, const std::vector<BlockWeights>& blocks,
                           int64_t heads, Scheduler& scheduler);

} // namespace loupe::compute::transformer
