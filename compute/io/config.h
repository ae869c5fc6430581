// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace loupe::compute {

// Most classes a config.json may declare (num_labels or id2label): ImageNet-21k has 21843, the largest
// published classification heads stay under 100k.
inline constexpr int64_t kMaxNumLabels = int64_t(1) << 20;

// transformers' ViTConfig (also used by DeiT and by the ViT encoder of VisionEncoderDecoder), with the
// library's defaults for absent fields. fromJson() checks that the values make sense and throws Error
// naming the source (e.g. ".../config.json") and the field otherwise.
struct ViTConfig
{
    std::string modelType = "vit";
    std::vector<std::string> architectures;
    int64_t hiddenSize = 768;
    int64_t numHiddenLayers = 12;
    int64_t numAttentionHeads = 12;
    int64_t intermediateSize = 3072;
    std::string hiddenAct = "gelu";
    double hiddenDropoutProb = 0.0;
    double attentionProbsDropoutProb = 0.0;
    double initializerRange = 0.02;
    double layerNormEps = 1e-12;
    int64_t imageSize = 224;
    int64_t patchSize = 16;
    int64_t numChannels = 3;
    bool qkvBias = true;
    int64_t encoderStride = 16;
    std::map<int64_t, std::string> id2label; // empty for a bare ViTModel
    std::string problemType;

    int64_t headDim() const { return hiddenSize / numAttentionHeads; }
    int64_t numLabels() const { return int64_t(id2label.size()); }
    int64_t gridSize() const { return imageSize / patchSize; }
    int64_t numPatches() const { return gridSize() * gridSize(); }

    static ViTConfig fromJson(const nlohmann::json& j, const std::string& source = "config.json");
};

// hidden_act values the engine implements (transformers' ACT2FN names).
bool isKnownActivation(const std::string& name);

} // namespace loupe::compute
