// SPDX-License-Identifier: MIT
#pragma once

#include "compute/attribution/token_relevancy.h"
#include "compute/graph/graph.h"
#include "compute/tensor.h"

#include <map>
#include <string>
#include <vector>

namespace loupe::compute {

class Scheduler;

// One decoder run over a forced prefix, differentiated from y = logit of the target token at the last
// position: what the encoder–decoder relevancy rules read, and the seed for the encoder's backward pass.
struct DecoderTokenGradients
{
    float logit = 0;                            // y
    std::vector<Tensor> selfProbs, selfGrads;   // [1, H, T, T] per decoder layer
    std::vector<Tensor> crossProbs, crossGrads; // [1, H, T, N_enc] per decoder layer
    Tensor encoderGrad;                         // dy / d encoder states, [1, N_enc, D_enc]
};

// Runs a decoder graph whose output "logits" is [1, 1, V] of the last position, whose cross-attention
// keys/values come from the input "encoder_states" and whose layers are named "blk.{l}.attn_probs" /
// "blk.{l}.cross_probs". Throws Error (`who`: the model) for a target outside the vocabulary.
// With a scheduler the gradients run on the model's device and the run is recorded; without, on the CPU.
DecoderTokenGradients decoderTokenGradients(const Graph& g, const std::map<std::string, Tensor>& inputs,
                                            int64_t layers, int64_t target, const std::string& who,
                                            Scheduler* scheduler = nullptr);

// An encoder's self-attention probabilities and dy/d them, y reached through `seed` = dy / d output.
struct EncoderAttentionGradients
{
    std::vector<Tensor> probs, grads; // [1, H, N, N] per layer
};

// Back-propagates `seed` from the node named `output` of an encoder graph to its layers'
// `prefix` + "{l}.attn_probs" (prefix "blk." for ViT, "vision.blk." for BLIP).
EncoderAttentionGradients encoderAttentionGradients(const Graph& g,
                                                    const std::map<std::string, Tensor>& inputs,
                                                    const std::string& output, const Tensor& seed,
                                                    const std::string& prefix, int64_t layers,
                                                    Scheduler* scheduler = nullptr);

// The encoder–decoder rules (attribution/token_relevancy.h) over both runs: row T-1 of R^{ti} (the
// differentiated token), CLS (token 0) dropped for the grid x grid patches.
attribution::TokenRelevancy captionTokenRelevancy(const EncoderAttentionGradients& encoder,
                                                  const DecoderTokenGradients& decoder, int64_t grid);

} // namespace loupe::compute
