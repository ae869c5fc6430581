// SPDX-License-Identifier: MIT
#pragma once

#include "compute/graph/graph_cache.h"
#include "compute/models/blip_config.h"
#include "compute/models/decoder_token_gradients.h"
#include "compute/models/transformer/kv_cache.h"
#include "compute/tensor.h"

#include <memory>
#include <string>
#include <vector>

namespace loupe::compute {

class Scheduler;

class BlipWeights;

struct BlipTextRunOptions
{
    bool hiddenStates = false;    // hidden_states.0 (embeddings after their LayerNorm) .. L, [B, n, D]
    bool attentions = false;      // self-attention probabilities [B, H, n, past + n] per layer
    bool crossAttentions = false; // cross-attention probabilities [B, H, n, N_enc] per layer
};

struct BlipTextOutput
{
    Tensor lastHiddenState; // [B, n, D]
    Tensor logits;          // [B, 1, V] of the newest position (decoders with an LM head)
    std::vector<Tensor> hiddenStates, attentions, crossAttentions;
};

// The question encoder's share of one answer token's gradient: y reached through dy / d its last hidden
// state (what the answer decoder's backward pass gives for the question states).
struct TextEncoderGradients
{
    std::vector<Tensor> selfProbs, selfGrads;   // [1, H, n, n] per layer
    std::vector<Tensor> crossProbs, crossGrads; // [1, H, n, N_enc] per layer
    Tensor encoderGrad;                         // dy / d encoder states, [1, N_enc, encoder_hidden_size]
};

// BLIP's BERT-style text model (BlipTextModel, and BlipTextLMHeadModel with `lmHead`): word and position
// embeddings with a LayerNorm, post-LayerNorm layers of self-attention, cross-attention to encoder states
// (image or question embeddings) and MLP; the LM head is `cls.predictions` (dense, activation, LayerNorm,
// decoder + bias). As an encoder the self-attention is bidirectional; as a decoder it is causal and reads
// a preallocated key/value cache. Graph node names: "embed.out", "embed.norm", "blk.{i}." + the shared
// block's names (transformer/block.h), "lm.transform", "logits".
class BlipTextModel
{
public:
    // Tensors under `prefix` ("text_decoder.bert." for the decoder, whose head is `headPrefix` +
    // "predictions.*"; "text_encoder." for VQA's question encoder, headPrefix empty: no head).
    static BlipTextModel load(const BlipTextConfig& config, BlipWeights& weights, const std::string& prefix,
                              const std::string& headPrefix);

    const BlipTextConfig& config() const;
    // Where forward passes run (the checkpoint's backend choice; the CPU after a device failure).
    // Models made of several parts share one, so a device failure moves all of them.
    Scheduler& scheduler() const;
    void setScheduler(std::shared_ptr<Scheduler> scheduler);
    bool hasLmHead() const;

    // Cross-attention keys/values of every layer from encoder states [B, N_enc, encoder_hidden_size],
    // computed once and reused at every step.
    void setEncoderStates(transformer::KvCache& cache, const Tensor& encoderStates) const;
    // A self-attention cache for `batch` rows and `capacity` positions (at most max_position_embeddings).
    transformer::KvCache newCache(int64_t batch, int64_t capacity) const;

    // Bidirectional pass over ids [B][n] (every row the same length, all tokens attended) cross-attending
    // `encoderStates`: the question encoder of VQA.
    BlipTextOutput encode(const std::vector<std::vector<int64_t>>& ids, const Tensor& encoderStates,
                          const BlipTextRunOptions& options = {}) const;
    // Causal decoding step: ids [B][n] at the positions after the cache's, their keys/values appended; the
    // cache's cross-attention keys/values must be set. Logits of the newest position.
    BlipTextOutput step(transformer::KvCache& cache, const std::vector<std::vector<int64_t>>& ids,
                        const BlipTextRunOptions& options = {}) const;

    // Gradients of y = logit of `target` at the last of `ids` (the causal decoder over the forced prefix,
    // positions 0..n-1, no cache) with respect to every layer's self- and cross-attention probabilities
    // and to the encoder states [1, N_enc, encoder_hidden_size]. Decoders (with an LM head) only.
    DecoderTokenGradients tokenGradients(const std::vector<int64_t>& ids, const Tensor& encoderStates,
                                         int64_t target) const;

    // The bidirectional pass of `encode` over one row of ids, back-propagated from `seed` = dy / d its
    // last hidden state [1, n, D] to every layer's self- and cross-attention probabilities and to the
    // encoder states: the question encoder's stage of an answer token's relevancy.
    TextEncoderGradients encoderGradients(const std::vector<int64_t>& ids, const Tensor& encoderStates,
                                          const Tensor& seed) const;

    struct Impl;

private:
    std::shared_ptr<Impl> d_;
};

} // namespace loupe::compute
