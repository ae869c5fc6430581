// SPDX-License-Identifier: MIT
#include "compute/models/clip_config.h"

#include "compute/error.h"
#include "compute/io/config_fields.h"

namespace loupe::compute {

using json = nlohmann::json;

ClipConfig ClipConfig::fromJson(const json& j, const std::string& source)
{
    if (!j.is_object()) throw Error(source, "is not a JSON object");
    ClipConfig c;
    readModelIdentity(j, c.modelType, c.architectures);
    ConfigFields top{j, source};
    top.integer("projection_dim", c.projectionDim);

    const ConfigFields t{configSection(j, "text_config", source), source + ": text_config"};
    ClipTextConfig& tc = c.text;
    t.integer("vocab_size", tc.vocabSize);
    t.integer("hidden_size", tc.hiddenSize);
    t.integer("intermediate_size", tc.intermediateSize);
    t.integer("num_hidden_layers", tc.numHiddenLayers);
    t.integer("num_attention_heads", tc.numAttentionHeads);
    t.integer("max_position_embeddings", tc.maxPositionEmbeddings);
    t.activation("hidden_act", tc.hiddenAct);
    t.number("layer_norm_eps", tc.layerNormEps);
    t.integer("pad_token_id", tc.padTokenId, 0);
    t.integer("bos_token_id", tc.bosTokenId, 0);
    t.integer("eos_token_id", tc.eosTokenId, 0);
    t.heads(tc.hiddenSize, tc.numAttentionHeads);
    for (const auto& [name, id] : {std::pair<const char*, int64_t>{"pad_token_id", tc.padTokenId},
                                   {"bos_token_id", tc.bosTokenId},
                                   {"eos_token_id", tc.eosTokenId}})
        if (id >= tc.vocabSize)
            t.bad(name, std::to_string(id) + " is outside the vocabulary of " + std::to_string(tc.vocabSize));

    const ConfigFields v{configSection(j, "vision_config", source), source + ": vision_config"};
    ClipVisionConfig& vc = c.vision;
    v.integer("hidden_size", vc.hiddenSize);
    v.integer("intermediate_size", vc.intermediateSize);
    v.integer("num_hidden_layers", vc.numHiddenLayers);
    v.integer("num_attention_heads", vc.numAttentionHeads);
    v.integer("num_channels", vc.numChannels);
    v.integer("image_size", vc.imageSize);
    v.integer("patch_size", vc.patchSize);
    v.activation("hidden_act", vc.hiddenAct);
    v.number("layer_norm_eps", vc.layerNormEps);
    v.heads(vc.hiddenSize, vc.numAttentionHeads);
    if (vc.imageSize % vc.patchSize != 0)
        v.bad("image_size", std::to_string(vc.imageSize) + " is not a multiple of patch_size " +
                                std::to_string(vc.patchSize));
    if (vc.gridSize() > 4096) v.bad("image_size", "gives more than 4096 patches per side");
    return c;
}

} // namespace loupe::compute
