// SPDX-License-Identifier: MIT
#include "compute/io/config_fields.h"

#include "compute/error.h"
#include "compute/io/config.h"

#include <cmath>

namespace loupe::compute {

using json = nlohmann::json;

void ConfigFields::bad(const std::string& field, const std::string& why) const
{
    throw Error(where, "field \"" + field + "\" " + why);
}

const json* ConfigFields::get(const char* field) const
{
    const auto it = j.find(field);
    return it == j.end() || it->is_null() ? nullptr : &*it;
}

void ConfigFields::integer(const char* field, int64_t& out, int64_t min) const
{
    if (const json* v = get(field)) {
        if (!v->is_number() || v->get<double>() != std::floor(v->get<double>()))
            bad(field, "must be an integer, got " + v->dump());
        const double d = v->get<double>();
        if (std::fabs(d) > double(maxSize)) bad(field, "is out of range: " + v->dump());
        out = int64_t(d);
    }
    if (out < min) bad(field, "must be at least " + std::to_string(min) + ", got " + std::to_string(out));
}

void ConfigFields::number(const char* field, double& out) const
{
    if (const json* v = get(field)) {
        if (!v->is_number()) bad(field, "must be a number, got " + v->dump());
        out = v->get<double>();
    }
    if (!std::isfinite(out) || out <= 0) bad(field, "must be a positive number");
}

void ConfigFields::activation(const char* field, std::string& out) const
{
    if (const json* v = get(field)) {
        if (!v->is_string()) bad(field, "must be a string, got " + v->dump());
        out = v->get<std::string>();
    }
    if (!isKnownActivation(out)) bad(field, "names an activation the engine does not have: " + out);
}

void ConfigFields::heads(int64_t hidden, int64_t heads) const
{
    if (hidden % heads != 0)
        bad("num_attention_heads", std::to_string(heads) + ": hidden_size " + std::to_string(hidden) +
                                       " is not divisible into " + std::to_string(heads) +
                                       " attention heads");
}

const json& configSection(const json& j, const char* name, const std::string& source)
{
    static const json empty = json::object();
    const auto it = j.find(name);
    if (it == j.end() || it->is_null()) return empty;
    if (!it->is_object()) throw Error(source, std::string("field \"") + name + "\" must be an object");
    return *it;
}

void readModelIdentity(const json& j, std::string& modelType, std::vector<std::string>& architectures)
{
    if (const auto it = j.find("model_type"); it != j.end() && it->is_string())
        modelType = it->get<std::string>();
    if (const auto it = j.find("architectures"); it != j.end() && it->is_array())
        for (const json& a : *it)
            if (a.is_string()) architectures.push_back(a.get<std::string>());
}

} // namespace loupe::compute
