// SPDX-License-Identifier: MIT
#pragma once

#include "compute/models/sam_config.h"
#include "compute/models/sam_mask_decoder.h"
#include "compute/models/sam_prompt_encoder.h"

#include <map>
#include <memory>
#include <string>

namespace loupe::compute {

class Scheduler;

class Checkpoint;

// SamModel of transformers (facebook/sam-vit-base, -large, -huge and the same architecture at any size).
// The image embedding is computed once per image (`embed`, the expensive part); each click-set is then
// decoded on it (`decode`, prompt encoder + mask decoder).
class SamModel
{
public:
    // Reads config.json and the weights; throws Error for other architectures, invalid configs, missing,
    // misshapen or unexpected tensors.
    static SamModel fromCheckpoint(const Checkpoint& ckpt);
    static SamModel fromTensors(const SamConfig& config, std::map<std::string, Tensor> weights,
                                const std::string& source = "weights");
    // Where the image encoder runs (fromCheckpoint sets it from the checkpoint's engine options; models
    // built from tensors start on the CPU).
    void setScheduler(std::shared_ptr<Scheduler> scheduler);

    // pixel_values [1, 3, S, S] (S = vision image_size; the processor pads to it) -> the image embedding
    // [g, g, C], channels last (g = S / patch_size). Runs on the checkpoint's backend as a graph
    // (sam_vision_graph.h), on the CPU as fused kernels (LOUPE_SAM_GRAPH=1: as the graph there too);
    // decode() runs on the CPU whatever was asked.
    Tensor embed(const Tensor& pixelValues) const;
    // Masks and IoU predictions for one prompt (coordinates in the model's input pixels) on an embedding.
    // The work every prompt on one embedding shares (the decoder's first-layer keys) is kept for the last
    // embedding decoded, recognised by its content, so clicks after the first on an image are cheaper.
    // LOUPE_SAM_NO_DECODER_CACHE=1 recomputes it on every call.
    sam::MaskPrediction decode(const Tensor& embedding, const sam::Prompt& prompt, bool multimask) const;
    // Many prompts on one embedding, results in the prompts' order, each equal to decode()'s. Prompts with
    // the same number of points and box corners and no mask input run through the decoder together, in
    // one pass; a prompt with a mask input runs alone. Memory grows with the prompts (about 40 MB each
    // at SAM ViT-B), so callers pass batches of tens, not thousands.
    std::vector<sam::MaskPrediction>
    decodeBatch(const Tensor& embedding, const std::vector<sam::Prompt>& prompts, bool multimask) const;

    const SamConfig& config() const;
    int64_t parameterCount() const;

    // [g, g, C] -> [1, C, g, g] (transformers' image_embeddings layout).
    static Tensor channelsFirst(const Tensor& embedding);

    struct Impl;

private:
    std::shared_ptr<const Impl> d_;
};

} // namespace loupe::compute
