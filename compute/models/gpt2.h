// SPDX-License-Identifier: MIT
#pragma once

#include "compute/graph/graph_cache.h"
#include "compute/models/decoder_token_gradients.h"
#include "compute/models/gpt2_config.h"
#include "compute/models/transformer/kv_cache.h"
#include "compute/tensor.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace loupe::compute {

class Checkpoint;
class Scheduler;

struct Gpt2RunOptions
{
    bool hiddenStates = false;        // hidden_states.0 .. hidden_states.L (L: after ln_f), [B, n, D]
    bool attentions = false;          // attentions.l [B, H, n, past + n]
    bool crossAttentions = false;     // cross_attentions.l [B, H, n, N_enc] (decoders with cross-attention)
    bool allLogits = true;            // logits of every new position; false: of the last one only
    std::vector<std::string> observe; // extra node names or globs ("blk.*.attn_probs")
    std::function<void(const std::string& name, const Tensor& value)> onObserved;
};

struct Gpt2Output
{
    Tensor logits; // [B, n, V], or [B, 1, V] without allLogits
    std::vector<Tensor> hiddenStates, attentions, crossAttentions;
    std::map<std::string, Tensor> observed;
};

// GPT2LMHeadModel (lm_head tied to wte unless the checkpoint has its own), also as the decoder of a
// VisionEncoderDecoderModel (add_cross_attention). Graph node names: "embed.out", "blk.{i}." + the
// block's names (transformer/block.h: "ln1", "qkv", "attn_probs", ..., "out"), "final_norm", "logits".
class Gpt2Model
{
public:
    static std::vector<std::string> supportedArchitectures();
    // Reads config.json and the weights; throws Error for unsupported architectures, invalid configs,
    // missing or unexpected tensors and wrong shapes.
    static Gpt2Model fromCheckpoint(const Checkpoint& ckpt);
    // The GPT-2 inside a composite checkpoint: tensors named `prefix` + GPT2LMHeadModel's names
    // ("decoder." in a VisionEncoderDecoderModel), `config` its GPT2Config (config.json's "decoder").
    static Gpt2Model fromCheckpoint(const Checkpoint& ckpt, const std::string& prefix,
                                    const nlohmann::json& config);
    // Tensors named as in GPT2LMHeadModel ("transformer.h.0.attn.c_attn.weight", optional
    // "lm_head.weight"); any float dtype.
    static Gpt2Model fromTensors(const Gpt2Config& config, std::map<std::string, Tensor> weights,
                                 const std::string& source = "weights");

    // Full forward of ids [B][n] (every row the same length) at positions 0..n-1, no cache.
    Gpt2Output forward(const std::vector<std::vector<int64_t>>& ids,
                       const Gpt2RunOptions& options = {}) const;

    // A key/value cache for `batch` rows and `capacity` positions (at most n_positions).
    transformer::KvCache newCache(int64_t batch, int64_t capacity) const;
    // Cross-attention keys/values of every layer from encoder states [B, N_enc, D], computed once.
    void setEncoderStates(transformer::KvCache& cache, const Tensor& encoderHiddenStates) const;
    // Runs ids [B][n] as the positions after the cache's, appends their keys/values to the cache.
    Gpt2Output step(transformer::KvCache& cache, const std::vector<std::vector<int64_t>>& ids,
                    const Gpt2RunOptions& options = {}) const;

    // Gradients of y = logit of `target` at the last of `ids` (the prefix forced, positions 0..n-1, no
    // cache) with respect to every layer's self- and cross-attention probabilities and to the encoder
    // states [1, N_enc, D] the cross-attention reads. Decoders with cross-attention only.
    DecoderTokenGradients tokenGradients(const std::vector<int64_t>& ids, const Tensor& encoderStates,
                                         int64_t target) const;

    const Gpt2Config& config() const;
    int64_t parameterCount() const;
    size_t weightBytes() const;
    const GraphCache& graphCache() const;
    // Where forward passes run (the checkpoint's backend choice; the CPU after a device failure).
    // Models made of several parts share one, so a device failure moves all of them.
    Scheduler& scheduler() const;
    void setScheduler(std::shared_ptr<Scheduler> scheduler);

    struct Impl;

private:
    std::shared_ptr<Impl> d_;
};

} // namespace loupe::compute
