// SPDX-License-Identifier: MIT
#include "compute/models/gpt2_config.h"

#include "compute/error.h"
#include "compute/gemm/gemm.h"
#include "compute/io/config_fields.h"

namespace loupe::compute {

namespace {

using json = nlohmann::json;

const json* field(const json& j, const char* name)
{
    const auto it = j.find(name);
    return it == j.end() || it->is_null() ? nullptr : &*it;
}

void readInt(const json& j, const char* name, int64_t& out, const std::string& source, bool positive = true)
{
    if (const json* v = field(j, name)) {
        if (!v->is_number_integer())
            throw Error(source, std::string("field \"") + name + "\" must be an integer");
        out = v->get<int64_t>();
    }
    if (positive && out <= 0)
        throw Error(source,
                    std::string("field \"") + name + "\" must be positive, got " + std::to_string(out));
}

bool readBool(const json& j, const char* name, bool fallback, const std::string& source)
{
    const json* v = field(j, name);
    if (!v) return fallback;
    if (!v->is_boolean()) throw Error(source, std::string("field \"") + name + "\" must be true or false");
    return v->get<bool>();
}

} // namespace

Gpt2Config Gpt2Config::fromJson(const json& j, const std::string& source)
{
    if (!j.is_object()) throw Error(source, "config must be a JSON object");
    Gpt2Config c;
    readModelIdentity(j, c.modelType, c.architectures);
    readInt(j, "vocab_size", c.vocabSize, source);
    readInt(j, "n_positions", c.nPositions, source);
    readInt(j, "n_embd", c.nEmbd, source);
    readInt(j, "n_layer", c.nLayer, source);
    readInt(j, "n_head", c.nHead, source);
    readInt(j, "n_inner", c.nInner, source, false);
    readInt(j, "bos_token_id", c.bosTokenId, source, false);
    readInt(j, "eos_token_id", c.eosTokenId, source, false);
    if (const json* v = field(j, "activation_function")) {
        if (!v->is_string()) throw Error(source, "field \"activation_function\" must be a string");
        c.activationFunction = v->get<std::string>();
    }
    activationFromName(c.activationFunction); // throws for an unknown one
    if (const json* v = field(j, "layer_norm_epsilon")) {
        if (!v->is_number() || v->get<double>() <= 0)
            throw Error(source, "field \"layer_norm_epsilon\" must be a positive number");
        c.layerNormEpsilon = v->get<double>();
    }
    c.addCrossAttention = readBool(j, "add_cross_attention", false, source);
    if (c.nEmbd % c.nHead != 0)
        throw Error(source, "n_embd " + std::to_string(c.nEmbd) + " is not divisible into " +
                                std::to_string(c.nHead) + " heads");
    if (!readBool(j, "scale_attn_weights", true, source))
        throw Error(source, "scale_attn_weights=false is not supported by the GPT-2 engine");
    if (readBool(j, "scale_attn_by_inverse_layer_idx", false, source))
        throw Error(source, "scale_attn_by_inverse_layer_idx=true is not supported by the GPT-2 engine");
    // reorder_and_upcast_attn only changes the precision of fp16 attention; the engine computes in f32.
    return c;
}

} // namespace loupe::compute
