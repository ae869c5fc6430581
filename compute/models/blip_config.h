// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace loupe::compute {

// transformers' BlipVisionConfig (4.41 defaults for absent fields).
struct BlipVisionConfig
{
    int64_t hiddenSize = 768;
    int64_t intermediateSize = 3072;
    int64_t numHiddenLayers = 12;
    int64_t numAttentionHeads = 12;
    int64_t imageSize = 384;
    int64_t patchSize = 16;
    std::string hiddenAct = "gelu";
    double layerNormEps = 1e-5;

    int64_t gridSize() const { return imageSize / patchSize; }
    int64_t numPositions() const { return gridSize() * gridSize() + 1; }
};

// transformers' BlipTextConfig: the BERT-style text encoder and decoder.
struct BlipTextConfig
{
    int64_t vocabSize = 30524;
    int64_t hiddenSize = 768;
    int64_t encoderHiddenSize = 768;
    int64_t intermediateSize = 3072;
    int64_t numHiddenLayers = 12;
    int64_t numAttentionHeads = 8;
    int64_t maxPositionEmbeddings = 512;
    std::string hiddenAct = "gelu";
    double layerNormEps = 1e-12;
    int64_t padTokenId = 0;
    int64_t bosTokenId = 30522; // [DEC]: the first decoder token
    int64_t eosTokenId = 2;
    int64_t sepTokenId = 102; // what BLIP's generate stops at

    int64_t headDim() const { return hiddenSize / numAttentionHeads; }
};

// transformers' BlipConfig. fromJson() throws Error naming the source and the field for values that
// make no sense or that the engine does not implement.
struct BlipConfig
{
    std::string modelType = "blip";
    std::vector<std::string> architectures;
    BlipTextConfig text;
    BlipVisionConfig vision;

    static BlipConfig fromJson(const nlohmann::json& j, const std::string& source = "config.json");
};

} // namespace loupe::compute
