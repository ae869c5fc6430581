// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace loupe::compute {

// SamConfig of transformers (model_type "sam"): the defaults are facebook/sam-vit-base's.
struct SamVisionConfig
{
    int64_t hiddenSize = 768, outputChannels = 256, numHiddenLayers = 12, numAttentionHeads = 12;
    int64_t numChannels = 3, imageSize = 1024, patchSize = 16, mlpDim = 3072, windowSize = 14;
    int64_t numPosFeats = 128;
    std::vector<int64_t> globalAttnIndexes{2, 5, 8, 11};
    std::string hiddenAct = "gelu";
    double layerNormEps = 1e-6;
    bool qkvBias = true, useAbsPos = true, useRelPos = true;

    int64_t grid() const { return imageSize / patchSize; }
    bool isGlobal(int64_t layer) const;
};

struct SamPromptEncoderConfig
{
    int64_t hiddenSize = 256, imageSize = 1024, imageEmbeddingSize = 64, maskInputChannels = 16;
    int64_t numPointEmbeddings = 4;
    std::string hiddenAct = "gelu";
    double layerNormEps = 1e-6;
};

struct SamMaskDecoderConfig
{
    int64_t hiddenSize = 256, mlpDim = 2048, numHiddenLayers = 2, numAttentionHeads = 8;
    int64_t attentionDownsampleRate = 2, numMultimaskOutputs = 3, iouHeadDepth = 3, iouHeadHiddenDim = 256;
    std::string hiddenAct = "relu";
    double layerNormEps = 1e-6;
};

struct SamConfig
{
    std::string modelType;
    std::vector<std::string> architectures;
    SamVisionConfig vision;
    SamPromptEncoderConfig prompt;
    SamMaskDecoderConfig decoder;

    // Reads config.json; throws Error naming `source` and the field for values the model cannot run
    // with (sizes that do not divide, an embedding grid that is not image_size / patch_size, ...).
    static SamConfig fromJson(const nlohmann::json& j, const std::string& source);
};

} // namespace loupe::compute
