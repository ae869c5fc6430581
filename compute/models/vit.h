// SPDX-License-Identifier: MIT
#pragma once

#include "compute/backend/backend.h"
#include "compute/graph/graph_cache.h"
#include "compute/io/config.h"
#include "compute/tensor.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace loupe::compute {

class Checkpoint;
class Scheduler;

// What a forward pass returns besides the logits. Observing costs memory (every observed tensor is kept
// to the end of the graph) but never changes the arithmetic.
struct VitRunOptions
{
    bool hiddenStates = false;           // hidden_states.0 .. hidden_states.L, [B, N, D]
    bool attentions = false;             // attentions.0 .. attentions.L-1, [B, H, N, N]
    std::vector<std::string> observe;    // extra node names or globs: "blk.3.attn_probs", "blk.*.out"
    bool interpolatePosEncoding = false; // accept other input sizes (transformers' interpolate_pos_encoding)
    // Head ablation: when non-empty, [batch, layers, heads] multipliers applied to each head's attention
    // context before the output projection (0 removes a head). Per image, so ablations batch together.
    std::vector<float> headMask;
    // Called as each observed tensor is computed (a view valid only during the call), e.g. to reduce
    // attention maps on the fly; not part of the graph cache key.
    std::function<void(const std::string& name, const Tensor& value)> onObserved;
};

struct VitOutput
{
    Tensor logits;                    // [B, num_labels]; undefined for a bare ViTModel
    Tensor lastHiddenState;           // [B, N, D] after the final LayerNorm
    std::vector<Tensor> hiddenStates; // when requested
    std::vector<Tensor> attentions;   // when requested
    std::map<std::string, Tensor> observed;
};

// ViTModel, ViTForImageClassification, DeiTForImageClassification and
// DeiTForImageClassificationWithTeacher, everything read from config.json. Graph node names a caller
// can observe: "embed.out", "blk.{i}.ln1", "blk.{i}.qkv", "blk.{i}.attn_scores", "blk.{i}.attn_probs",
// "blk.{i}.attn_ctx", "blk.{i}.attn_res", "blk.{i}.ln2", "blk.{i}.mlp_act", "blk.{i}.out",
// "final_norm", "logits".
class VitModel
{
public:
    enum class Arch { ViTModel, ViTForImageClassification, DeiTForImageClassification, DeiTWithTeacher };

    // Reads config.json's architectures/model_type and the weights; throws Error for unsupported
    // architectures, invalid configs, missing or unexpected tensors and wrong shapes.
    static VitModel fromCheckpoint(const Checkpoint& ckpt);
    // From tensors named as in a transformers checkpoint (any float dtype; converted to f32). Move the
    // map in to let each plain weight be freed as soon as its packed copy exists.
    static VitModel fromTensors(const ViTConfig& config, Arch arch, std::map<std::string, Tensor> weights,
                                const std::string& source = "weights");

    // pixelValues: f32 [B, num_channels, H, W].
    VitOutput forward(const Tensor& pixelValues, const VitRunOptions& options = {}) const;

    const ViTConfig& config() const;
    Arch arch() const;
    static const char* archName(Arch a);
    static std::vector<std::string> supportedArchitectures();
    int64_t parameterCount() const;
    size_t weightBytes() const; // f32 bytes the engine holds or maps for the weights
    // The memory plan a forward pass of this input shape and these options uses (builds it if needed).
    MemoryPlan plan(const Shape& pixelShape, const VitRunOptions& options = {}) const;
    const GraphCache& graphCache() const;
    // Where forward passes run (the checkpoint's backend choice; the CPU after a device failure).
    // Models made of several parts share one, so a device failure moves all of them.
    Scheduler& scheduler() const;
    void setScheduler(std::shared_ptr<Scheduler> scheduler);
    // The forward graph for this input shape and these options, uncompiled (for autograd).
    Graph buildGraph(const Shape& pixelShape, const VitRunOptions& options = {}) const;

    struct Impl;

private:
    std::shared_ptr<Impl> d_;
};

} // namespace loupe::compute
