// SPDX-License-Identifier: MIT
#pragma once

#include "compute/graph/graph.h"
#include "compute/models/clip_config.h"
#include "compute/tensor.h"

#include <memory>
#include <string>
#include <vector>

namespace loupe::compute {

class Checkpoint;
class Scheduler;

// Token ids of several texts right-padded to the longest one, as a CLIP tokenizer called with
// padding=True returns them.
struct ClipTextBatch
{
    int64_t count = 0;         // texts
    int64_t length = 0;        // tokens per row after padding
    std::vector<int64_t> ids;  // [count, length] row-major
    std::vector<int64_t> mask; // [count, length]: 1 for a token, 0 for padding

    // Throws Error for an empty list or an empty text.
    static ClipTextBatch pad(const std::vector<std::vector<int64_t>>& texts, int64_t padId);
};

struct ClipRunOptions
{
    bool hiddenStates = false; // embeddings (after pre_layrnorm for the image) and every layer's output
    bool attentions = false;   // softmax probabilities of every layer, masks applied
};

struct ClipImageOutput
{
    Tensor projected;                 // [B, E] visual_projection(post_layernorm(CLS)), not normalised
    Tensor embeds;                    // [B, E] L2-normalised
    std::vector<Tensor> hiddenStates; // [B, N, Dv] when requested
    std::vector<Tensor> attentions;   // [B, H, N, N] when requested
};

struct ClipTextOutput
{
    Tensor projected; // [T, E] text_projection(final_layer_norm(h[pool position]))
    Tensor embeds;    // [T, E] L2-normalised
    std::vector<int64_t> poolPositions;
    std::vector<Tensor> hiddenStates; // [T, Lt, Dt] when requested
    std::vector<Tensor> attentions;   // [T, H, Lt, Lt] when requested
};

// transformers' CLIPModel read from a checkpoint folder: a ViT-style vision tower (patch convolution
// without bias, class embedding, learned positions, pre_layrnorm, pre-LN blocks, post_layernorm on the
// class token, visual_projection) and a causal text tower (token and position embeddings, pre-LN blocks,
// final_layer_norm at the pooled position, text_projection). Graph node names: "vision.embed.out",
// "vision.blk.{i}.{ln1,qkv,attn_scores,attn_probs,attn_ctx,attn_res,ln2,mlp_act,out}", "vision.post_norm",
// "image_proj"; the text graph the same under "text." and "text_proj".
class ClipModel
{
public:
    // Throws Error for architectures other than CLIPModel, invalid configs, missing, unexpected or
    // misshapen tensors.
    static ClipModel fromCheckpoint(const Checkpoint& ckpt);
    static std::vector<std::string> supportedArchitectures();

    const ClipConfig& config() const;
    // Where forward passes run (the checkpoint's backend choice; the CPU after a device failure).
    // Models made of several parts share one, so a device failure moves all of them.
    Scheduler& scheduler() const;
    void setScheduler(std::shared_ptr<Scheduler> scheduler);
    float logitScale() const; // exp(logit_scale), the factor of logits_per_image
    int64_t parameterCount() const;

    // pixelValues: f32 [B, num_channels, image_size, image_size].
    ClipImageOutput encodeImage(const Tensor& pixelValues, const ClipRunOptions& options = {}) const;
    // Throws Error for rows longer than max_position_embeddings or ids outside the vocabulary.
    ClipTextOutput encodeText(const ClipTextBatch& batch, const ClipRunOptions& options = {}) const;

    // Where the text tower pools each row, by the library's rule: with eos_token_id == 2 (configs older
    // than transformers 4.31) the position of the largest id; otherwise the first eos_token_id (position 0
    // when a row has none, as torch's argmax of an all-zero row gives).
    std::vector<int64_t> poolPositions(const ClipTextBatch& batch) const;

    // The vision graph for this input shape, uncompiled (for autograd); its output is "image_proj".
    Graph buildVisionGraph(const Shape& pixelShape, const ClipRunOptions& options = {}) const;

    struct Impl;

private:
    std::shared_ptr<Impl> d_;
};

// logits_per_image [B, T] = logit_scale.exp() * image_embeds @ text_embeds^T, and the softmax over the
// texts of each image (what CLIP zero-shot classification reports as probabilities).
struct ClipScores
{
    Tensor logitsPerImage;
    Tensor probs;
};
ClipScores clipScores(float logitScale, const Tensor& imageEmbeds, const Tensor& textEmbeds);

// Rows divided by their L2 norm (as CLIPModel.forward does; a zero row stays zero).
Tensor l2Normalized(const Tensor& rows);

} // namespace loupe::compute
