// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace loupe::compute {

// Reads the fields of one object of a model's config.json with the checks every model applies: a present
// field keeps its type and range, an absent or null one keeps the default already in `out`, and every
// error names `where` ("config.json: text_config") and the field.
struct ConfigFields
{
    const nlohmann::json& j;
    std::string where;
    // Far above any published model's sizes, small enough that products of two sizes cannot overflow int64.
    int64_t maxSize = int64_t(1) << 24;

    [[noreturn]] void bad(const std::string& field, const std::string& why) const;
    const nlohmann::json* get(const char* field) const;
    void integer(const char* field, int64_t& out, int64_t min = 1) const;
    void number(const char* field, double& out) const; // finite and positive
    void activation(const char* field, std::string& out) const;
    // hidden is divisible into heads.
    void heads(int64_t hidden, int64_t heads) const;
};

// The sub-object `name` of `j` ("text_config"), or an empty object when absent; throws Error naming
// `source` when it is not an object.
const nlohmann::json& configSection(const nlohmann::json& j, const char* name, const std::string& source);

// model_type and architectures, when present as strings.
void readModelIdentity(const nlohmann::json& j, std::string& modelType,
                       std::vector<std::string>& architectures);

} // namespace loupe::compute
