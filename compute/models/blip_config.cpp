// SPDX-License-Identifier: MIT
#include "compute/models/blip_config.h"

#include "compute/error.h"
#include "compute/io/config.h"

#include <cmath>

namespace loupe::compute {

namespace {

using json = nlohmann::json;

// Far above published BLIPs (ViT-L: 1024 wide, 24 layers; 30524 tokens), small enough that products of
// two sizes cannot overflow int64.
constexpr int64_t kMaxBlipSize = int64_t(1) << 24;

struct Fields
{
    const json& j;
    std::string where; // "config.json: text_config"

    [[noreturn]] void bad(const std::string& field, const std::string& why) const
    {
        throw Error(where, "field \"" + field + "\" " + why);
    }
    const json* get(const char* field) const
    {
        const auto it = j.find(field);
        return it == j.end() || it->is_null() ? nullptr : &*it;
    }
    void integer(const char* field, int64_t& out, int64_t min = 1) const
    {
        if (const json* v = get(field)) {
            if (!v->is_number() || v->get<double>() != std::floor(v->get<double>()))
                bad(field, "must be an integer, got " + v->dump());
            const double d = v->get<double>();
            if (std::fabs(d) > double(kMaxBlipSize)) bad(field, "is out of range: " + v->dump());
            out = int64_t(d);
        }
        if (out < min) bad(field, "must be at least " + std::to_string(min) + ", got " + std::to_string(out));
    }
    void number(const char* field, double& out) const
    {
        if (const json* v = get(field)) {
            if (!v->is_number()) bad(field, "must be a number, got " + v->dump());
            out = v->get<double>();
        }
        if (!std::isfinite(out) || out <= 0) bad(field, "must be a positive number");
    }
    void activation(const char* field, std::string& out) const
    {
        if (const json* v = get(field)) {
            if (!v->is_string()) bad(field, "must be a string, got " + v->dump());
            out = v->get<std::string>();
        }
        if (!isKnownActivation(out)) bad(field, "names an activation the engine does not have: " + out);
    }
    void heads(int64_t hidden, int64_t heads) const
    {
        if (hidden % heads != 0)
            throw Error(where, "hidden_size " + std::to_string(hidden) + " is not divisible into " +
                                   std::to_string(heads) + " attention heads");
    }
};

const json& section(const json& j, const char* name, const std::string& source)
{
    static const json empty = json::object();
    const auto it = j.find(name);
    if (it == j.end() || it->is_null()) return empty;
    if (!it->is_object()) throw Error(source, std::string("field \"") + name + "\" must be an object");
    return *it;
}

} // namespace

BlipConfig BlipConfig::fromJson(const json& j, const std::string& source)
{
    if (!j.is_object()) throw Error(source, "config must be a JSON object");
    BlipConfig c;
    if (const auto it = j.find("model_type"); it != j.end() && it->is_string())
        c.modelType = it->get<std::string>();
    if (const auto it = j.find("architectures"); it != j.end() && it->is_array())
        for (const auto& a : *it)
            if (a.is_string()) c.architectures.push_back(a.get<std::string>());

    const Fields t{section(j, "text_config", source), source + ": text_config"};
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

    const Fields v{section(j, "vision_config", source), source + ": vision_config"};
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
