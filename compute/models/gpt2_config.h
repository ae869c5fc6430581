// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace loupe::compute {

// transformers' GPT2Config with the library's defaults for absent fields. fromJson() throws Error naming
// the source and the field for values that make no sense or that the engine does not implement.
struct Gpt2Config
{
    std::string modelType = "gpt2";
    std::vector<std::string> architectures;
    int64_t vocabSize = 50257;
    int64_t nPositions = 1024;
    int64_t nEmbd = 768;
    int64_t nLayer = 12;
    int64_t nHead = 12;
    int64_t nInner = 0; // 0: 4 * n_embd
    std::string activationFunction = "gelu_new";
    double layerNormEpsilon = 1e-5;
    bool addCrossAttention = false;
    int64_t bosTokenId = 50256;
    int64_t eosTokenId = 50256;

    int64_t innerSize() const { return nInner > 0 ? nInner : 4 * nEmbd; }
    int64_t headDim() const { return nEmbd / nHead; }

    static Gpt2Config fromJson(const nlohmann::json& j, const std::string& source = "config.json");
};

} // namespace loupe::compute
