// SPDX-License-Identifier: MIT
#include "compute/models/sam_config.h"

#include "compute/error.h"
#include "compute/io/config_fields.h"

#include <algorithm>

namespace loupe::compute {

bool SamVisionConfig::isGlobal(int64_t layer) const
{
    return windowSize <= 0 ||
           std::find(globalAttnIndexes.begin(), globalAttnIndexes.end(), layer) != globalAttnIndexes.end();
}

namespace {

void readVision(const nlohmann::json& j, const std::string& source, SamVisionConfig& v)
{
    const ConfigFields f{j, source + ": vision_config"};
    f.integer("hidden_size", v.hiddenSize);
    f.integer("output_channels", v.outputChannels);
    f.integer("num_hidden_layers", v.numHiddenLayers);
    f.integer("num_attention_heads", v.numAttentionHeads);
    f.heads(v.hiddenSize, v.numAttentionHeads);
    f.integer("num_channels", v.numChannels);
    f.integer("image_size", v.imageSize);
    f.integer("patch_size", v.patchSize);
    if (v.imageSize % v.patchSize != 0) f.bad("image_size", "is not a multiple of patch_size");
    double ratio = 4.0;
    f.number("mlp_ratio", ratio);
    v.mlpDim = int64_t(double(v.hiddenSize) * ratio);
    f.integer("mlp_dim", v.mlpDim);
    f.integer("window_size", v.windowSize, 0);
    f.integer("num_pos_feats", v.numPosFeats);
    f.activation("hidden_act", v.hiddenAct);
    f.number("layer_norm_eps", v.layerNormEps);
    if (const nlohmann::json* g = f.get("global_attn_indexes")) {
        if (!g->is_array()) f.bad("global_attn_indexes", "must be a list of layer indexes");
        v.globalAttnIndexes.clear();
        for (const auto& e : *g) {
            if (!e.is_number_integer() || e.get<int64_t>() < 0 || e.get<int64_t>() >= v.numHiddenLayers)
                f.bad("global_attn_indexes", "holds " + e.dump() + ", not a layer index");
            v.globalAttnIndexes.push_back(e.get<int64_t>());
        }
    }
    for (const char* flag : {"qkv_bias", "use_abs_pos", "use_rel_pos"})
        if (const nlohmann::json* b = f.get(flag); b && !b->is_boolean())
            f.bad(flag, "must be true or false");
    v.qkvBias = j.value("qkv_bias", true);
    v.useAbsPos = j.value("use_abs_pos", true);
    v.useRelPos = j.value("use_rel_pos", true);
}

void readPrompt(const nlohmann::json& j, const std::string& source, SamPromptEncoderConfig& p)
{
    const ConfigFields f{j, source + ": prompt_encoder_config"};
    f.integer("hidden_size", p.hiddenSize);
    f.integer("image_size", p.imageSize);
    f.integer("image_embedding_size", p.imageEmbeddingSize);
    f.integer("mask_input_channels", p.maskInputChannels, 4);
    if (p.maskInputChannels % 4 != 0) f.bad("mask_input_channels", "must be a multiple of 4");
    f.integer("num_point_embeddings", p.numPointEmbeddings, 4);
    f.activation("hidden_act", p.hiddenAct);
    f.number("layer_norm_eps", p.layerNormEps);
}

void readDecoder(const nlohmann::json& j, const std::string& source, SamMaskDecoderConfig& d)
{
    const ConfigFields f{j, source + ": mask_decoder_config"};
    f.integer("hidden_size", d.hiddenSize, 8);
    if (d.hiddenSize % 8 != 0)
        f.bad("hidden_size", "must be a multiple of 8 (the upscaling halves it twice)");
    f.integer("mlp_dim", d.mlpDim);
    f.integer("num_hidden_layers", d.numHiddenLayers);
    f.integer("num_attention_heads", d.numAttentionHeads);
    f.integer("attention_downsample_rate", d.attentionDownsampleRate);
    f.heads(d.hiddenSize, d.numAttentionHeads);
    if ((d.hiddenSize / d.attentionDownsampleRate) % d.numAttentionHeads != 0 ||
        d.hiddenSize % d.attentionDownsampleRate != 0)
        f.bad("attention_downsample_rate", "leaves an internal size not divisible into the heads");
    f.integer("num_multimask_outputs", d.numMultimaskOutputs);
    f.integer("iou_head_depth", d.iouHeadDepth, 2);
    f.integer("iou_head_hidden_dim", d.iouHeadHiddenDim);
    f.activation("hidden_act", d.hiddenAct);
    f.number("layer_norm_eps", d.layerNormEps);
}

} // namespace

SamConfig SamConfig::fromJson(const nlohmann::json& j, const std::string& source)
{
    if (!j.is_object()) throw Error(source, "is not a JSON object");
    SamConfig c;
    readModelIdentity(j, c.modelType, c.architectures);
    readVision(configSection(j, "vision_config", source), source, c.vision);
    readPrompt(configSection(j, "prompt_encoder_config", source), source, c.prompt);
    readDecoder(configSection(j, "mask_decoder_config", source), source, c.decoder);
    const ConfigFields f{j, source};
    if (c.prompt.imageEmbeddingSize != c.vision.grid())
        f.bad("prompt_encoder_config.image_embedding_size",
              std::to_string(c.prompt.imageEmbeddingSize) + " differs from the encoder's grid " +
                  std::to_string(c.vision.grid()) + " (vision image_size / patch_size)");
    if (c.prompt.hiddenSize != c.vision.outputChannels || c.decoder.hiddenSize != c.vision.outputChannels)
        f.bad("prompt_encoder_config.hidden_size",
              "the prompt encoder, mask decoder and vision output_channels must have one size");
    if (2 * c.vision.numPosFeats != c.prompt.hiddenSize)
        f.bad("vision_config.num_pos_feats", "must be half the prompt encoder's hidden_size");
    return c;
}

} // namespace loupe::compute
