// SPDX-License-Identifier: MIT
#include "compute/io/config.h"

#include "compute/error.h"

#include <cmath>

namespace loupe::compute {

namespace {

using json = nlohmann::json;

struct Reader
{
    const json& j;
    const std::string& source;

    [[noreturn]] void bad(const std::string& field, const std::string& why) const
    {
        throw Error(source, "field \"" + field + "\" " + why);
    }
    const json* get(const char* field) const
    {
        const auto it = j.find(field);
        return it == j.end() || it->is_null() ? nullptr : &*it;
    }
    void integer(const char* field, int64_t& out, bool positive = true) const
    {
        if (const json* v = get(field)) {
            if (v->is_number_float()) {
                // JSON writers sometimes emit 768.0; accept whole numbers only.
                const double dv = v->get<double>();
                if (dv != std::floor(dv) || std::fabs(dv) > 9e15)
                    bad(field, "must be an integer, got " + v->dump());
                out = int64_t(dv);
            } else if (v->is_number_integer()) {
                if (v->is_number_unsigned() && v->get<uint64_t>() > uint64_t(INT64_MAX))
                    bad(field, "is too large");
                out = v->get<int64_t>();
            } else {
                bad(field, "must be an integer, got " + v->dump());
            }
        }
        if (positive && out <= 0) bad(field, "must be positive, got " + std::to_string(out));
    }
    void number(const char* field, double& out) const
    {
        if (const json* v = get(field)) {
            if (!v->is_number()) bad(field, "must be a number, got " + v->dump());
            out = v->get<double>();
        }
        if (!std::isfinite(out)) bad(field, "must be finite");
    }
    void boolean(const char* field, bool& out) const
    {
        if (const json* v = get(field)) {
            if (!v->is_boolean()) bad(field, "must be true or false, got " + v->dump());
            out = v->get<bool>();
        }
    }
    void string(const char* field, std::string& out) const
    {
        if (const json* v = get(field)) {
            if (!v->is_string()) bad(field, "must be a string, got " + v->dump());
            out = v->get<std::string>();
        }
    }
};

} // namespace

bool isKnownActivation(const std::string& name)
{
    return name == "gelu" || name == "gelu_new" || name == "gelu_pytorch_tanh" || name == "gelu_fast" ||
           name == "quick_gelu" || name == "relu" || name == "silu" || name == "swish" || name == "tanh" ||
           name == "sigmoid";
}

ViTConfig ViTConfig::fromJson(const json& j, const std::string& source)
{
    if (!j.is_object()) throw Error(source, "is not a JSON object");
    ViTConfig c;
    const Reader r{j, source};
    r.string("model_type", c.modelType);
    if (const json* a = r.get("architectures")) {
        if (!a->is_array()) r.bad("architectures", "must be a list of strings");
        for (const auto& s : *a) {
            if (!s.is_string()) r.bad("architectures", "must be a list of strings");
            c.architectures.push_back(s.get<std::string>());
        }
    }
    r.integer("hidden_size", c.hiddenSize);
    r.integer("num_hidden_layers", c.numHiddenLayers);
    r.integer("num_attention_heads", c.numAttentionHeads);
    r.integer("intermediate_size", c.intermediateSize);
    r.string("hidden_act", c.hiddenAct);
    r.number("hidden_dropout_prob", c.hiddenDropoutProb);
    r.number("attention_probs_dropout_prob", c.attentionProbsDropoutProb);
    r.number("initializer_range", c.initializerRange);
    r.number("layer_norm_eps", c.layerNormEps);
    r.integer("image_size", c.imageSize);
    r.integer("patch_size", c.patchSize);
    r.integer("num_channels", c.numChannels);
    r.boolean("qkv_bias", c.qkvBias);
    r.integer("encoder_stride", c.encoderStride);
    // Plausibility caps: a hostile config must not make the engine try to allocate terabytes before the
    // checkpoint's own tensor shapes are checked. They are far above any published ViT (ViT-22B: 6144 wide).
    const std::pair<const char*, int64_t> caps[] = {{"hidden_size", c.hiddenSize},
                                                    {"intermediate_size", c.intermediateSize},
                                                    {"num_attention_heads", c.numAttentionHeads},
                                                    {"num_hidden_layers", c.numHiddenLayers},
                                                    {"image_size", c.imageSize},
                                                    {"num_channels", c.numChannels}};
    for (const auto& [field, value] : caps)
        if (value > (int64_t(1) << 16))
            r.bad(field, std::string("(") + std::to_string(value) + ") is implausibly large (limit 65536)");
    r.string("problem_type", c.problemType);

    if (c.hiddenSize % c.numAttentionHeads != 0)
        r.bad("hidden_size", std::string("(") + std::to_string(c.hiddenSize) +
                                 ") is not divisible by num_attention_heads (" +
                                 std::to_string(c.numAttentionHeads) + ")");
    if (c.imageSize % c.patchSize != 0)
        r.bad("patch_size", std::string("(") + std::to_string(c.patchSize) +
                                ") does not divide image_size (" + std::to_string(c.imageSize) + ")");
    if (c.layerNormEps <= 0) r.bad("layer_norm_eps", "must be positive");
    if (!isKnownActivation(c.hiddenAct))
        r.bad("hidden_act", "names an unknown activation '" + c.hiddenAct + "'");

    if (const json* m = r.get("id2label")) {
        if (!m->is_object()) r.bad("id2label", "must be an object of index -> label");
        if (int64_t(m->size()) > kMaxNumLabels)
            r.bad("id2label", "has " + std::to_string(m->size()) + " classes, above the limit of " +
                                  std::to_string(kMaxNumLabels));
        for (auto it = m->begin(); it != m->end(); ++it) {
            int64_t idx = -1;
            const std::string& k = it.key();
            if (!k.empty() && k.size() < 12 && k.find_first_not_of("0123456789") == std::string::npos)
                idx = std::stoll(k);
            if (idx < 0) r.bad("id2label", "has a key '" + k + "' that is not a class index");
            if (!it.value().is_string()) r.bad("id2label", "label of class " + k + " is not a string");
            c.id2label[idx] = it.value().get<std::string>();
        }
        // Classes are 0..n-1; a hole would leave a logit without a name.
        int64_t expect = 0;
        for (const auto& [idx, label] : c.id2label)
            if (idx != expect++)
                r.bad("id2label", "class indices are not 0.." + std::to_string(c.id2label.size() - 1));
    }
    if (const json* n = r.get("num_labels")) {
        int64_t nl = 0;
        r.integer("num_labels", nl);
        // Checked before the LABEL_i names are made: 2^40 would take gigabytes before the classifier
        // weight's shape could disagree.
        if (nl > kMaxNumLabels)
            r.bad("num_labels", std::string("(") + std::to_string(nl) + ") is above the limit of " +
                                    std::to_string(kMaxNumLabels) + " classes");
        if (!c.id2label.empty() && nl != c.numLabels())
            r.bad("num_labels", std::string("(") + std::to_string(nl) + ") disagrees with id2label (" +
                                    std::to_string(c.numLabels()) + " classes)");
        if (c.id2label.empty())
            for (int64_t i = 0; i < nl; ++i)
                c.id2label[i] = "LABEL_" + std::to_string(i);
        (void)n;
    }
    return c;
}

} // namespace loupe::compute
