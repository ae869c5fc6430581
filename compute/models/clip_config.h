// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace loupe::compute {

// transformers' CLIPTextConfig (4.41 defaults for absent fields).
struct ClipTextConfig
{
    int64_t vocabSize = 49408;
    int64_t hiddenSize = 512;
    int64_t intermediateSize = 2048;
    int64_t numHiddenLayers = 12;
    int64_t numAttentionHeads = 8;
    int64_t maxPositionEmbeddings = 77;
    std::string hiddenAct = "quick_gelu";
    double layerNormEps = 1e-5;
    int64_t padTokenId = 1;
    int64_t bosTokenId = 49406;
    int64_t eosTokenId = 49407;
};

// transformers' CLIPVisionConfig.
struct ClipVisionConfig
{
    int64_t hiddenSize = 768;
    int64_t intermediateSize = 3072;
    int64_t numHiddenLayers = 12;
    int64_t numAttentionHeads = 12;
    int64_t numChannels = 3;
    int64_t imageSize = 224;
    int64_t patchSize = 32;
    std::string hiddenAct = "quick_gelu";
    double layerNormEps = 1e-5;

    int64_t gridSize() const { return imageSize / patchSize; }
    int64_t numPositions() const { return gridSize() * gridSize() + 1; }
};

// transformers' CLIPConfig: both towers and the shared projection width.
struct ClipConfig
{
    std::string modelType = "clip";
    std::vector<std::string> architectures;
    int64_t projectionDim = 512;
    ClipTextConfig text;
    ClipVisionConfig vision;

    // Throws Error naming `source` and the field when a value makes no sense (sizes not positive, a
    // width not divisible into its heads, an image side not a multiple of the patch, an unknown
    // activation, token ids outside the vocabulary).
    static ClipConfig fromJson(const nlohmann::json& j, const std::string& source = "config.json");
};

} // namespace loupe::compute
