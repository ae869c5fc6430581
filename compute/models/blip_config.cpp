// SPDX-License-Identifier: MIT
#include "compute/models/blip_config.h"

#include "compute/error.h"
#include "compute/io/config_fields.h"

namespace loupe::compute {

using json = nlohmann::json;

BlipConfig BlipConfig::fromJson(const json& j, const std::string& source)
{
    if (!j.is_object()) throw Error(source, "config must be a JSON object");
    BlipConfig c;
    readModelIdentity(j, c.modelType, c.architectures);

    const ConfigFields t{configSection(j, "text_config", source), source + ": text_config"};
    BlipTextConfig& tc = c.text;
    t.integer("vocab_size", tc.vocabSize);
    t.integer("hidden_size", tc.hiddenSize);
    t.integer("encoder_hidden_size", tc.encoderHiddenSize);
    t.integer("intermediate_size", tc.intermediateSize);
    t.integer("num_hidden_layers", tc.numHiddenLayers);
    t.integer("num_attention_heads", tc.numAttentionHeads);
    t.integer("max_position_embeddings", tc.maxPositionEmbeddings);
    t.activation("hidden_act", tc.hiddenAct);
    t.number("layer_norm_eps", tc.layerNormEps);
    t.integer("pad_token_id", tc.padTokenId, 0);
    t.integer("bos_token_id", tc.bosTokenId, 0);
    t.integer("eos_token_id", tc.eosTokenId, 0);
    t.integer("sep_token_id", tc.sepTokenId, 0);
    t.heads(tc.hiddenSize, tc.numAttentionHeads);
    if (const json* v = t.get("position_embedding_type"); v && *v != "absolute")
        t.bad("position_embedding_type", "must be \"absolute\" (the only kind BLIP's text model has)");
    for (const int64_t id : {tc.padTokenId, tc.bosTokenId, tc.sepTokenId})
        if (id >= tc.vocabSize)
            throw Error(t.where, "special token id " + std::to_string(id) + " is outside the vocabulary of " +
                                     std::to_string(tc.vocabSize));

    const ConfigFields v{configSection(j, "vision_config", source), source + ": vision_config"};
    BlipVisionConfig& vc = c.vision;
    v.integer("hidden_size", vc.hiddenSize);
    v.integer("intermediate_size", vc.intermediateSize);
    v.integer("num_hidden_layers", vc.numHiddenLayers);
    v.integer("num_attention_heads", vc.numAttentionHeads);
    v.integer("image_size", vc.imageSize);
    v.integer("patch_size", vc.patchSize);
    v.activation("hidden_act", vc.hiddenAct);
    v.number("layer_norm_eps", vc.layerNormEps);
    v.heads(vc.hiddenSize, vc.numAttentionHeads);
    if (vc.imageSize % vc.patchSize != 0)
        throw Error(v.where, "image_size " + std::to_string(vc.imageSize) +
                                 " is not a multiple of patch_size " + std::to_string(vc.patchSize));
    if (tc.encoderHiddenSize != vc.hiddenSize)
        throw Error(source, "text_config.encoder_hidden_size " + std::to_string(tc.encoderHiddenSize) +
                                " differs from vision_config.hidden_size " + std::to_string(vc.hiddenSize));
    return c;
}

} // namespace loupe::compute
