// SPDX-License-Identifier: MIT
#include "compute/models/clip_config.h"

#include "compute/error.h"
#include "compute/io/config.h"

#include <cmath>

namespace loupe::compute {

namespace {

using json = nlohmann::json;

// Upper bound on any size field: far above published CLIPs (ViT-bigG: 1664 wide, 48 layers, 77 positions,
// 49408 tokens) yet small enough that products of two of them cannot overflow int64.
constexpr int64_t kMaxClipSize = int64_t(1) << 24;

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
            if (std::fabs(d) > double(kMaxClipSize)) bad(field, "is out of range: " + v->dump());
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
            bad("hidden_size", std::to_string(hidden) + " is not divisible into " + std::to_string(heads) +
                                   " attention heads");
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

ClipConfig ClipConfig::fromJson(const json& j, const std::string& source)
{
    if (!j.is_object()) throw Error(source, "is not a JSON object");
    ClipConfig c;
    if (const auto it = j.find("model_type"); it != j.end() && it->is_string())
        c.modelType = it->get<std::string>();
    if (const auto it = j.find("architectures"); it != j.end() && it->is_array())
        for (const json& a : *it)
            if (a.is_string()) c.architectures.push_back(a.get<std::string>());
    Fields top{j, source};
    top.integer("projection_dim", c.projectionDim);

    const Fields t{section(j, "text_config", source), source + ": text_config"};
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

    const Fields v{section(j, "vision_config", source), source + ": vision_config"};
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
