// SPDX-License-Identifier: MIT
#pragma once

#include "compute/gemm/gemm.h"

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace loupe::compute {

// What `loupe quantize` wrote.
struct QuantizeSummary
{
    std::vector<std::string> quantised; // linear weights stored at the new precision
    std::vector<std::string> kept;      // every other tensor, stored as it was
    std::vector<std::string> copiedFiles;
    uint64_t bytesIn = 0, bytesOut = 0; // weight files
};

// Whether a tensor of a checkpoint is a linear weight the engine packs: a floating "*.weight" of two
// dims that is not an embedding table, or a patch embedding's convolution (which runs as a linear).
bool isQuantisableWeight(const std::string& name, const std::vector<int64_t>& shape);
// Whether a weight is a transformers Conv1D (GPT-2: [in, out]), given the checkpoint's config.json.
bool isConv1DWeight(const std::string& name, const nlohmann::json& config);

// Writes `out` as a Hugging Face checkpoint folder: config.json with a Loupe quantization_config, one
// model.safetensors whose linear weights are BF16, F16 or I8 with an f32 "<name>_scale" (the scheme in
// its __metadata__ too), every other tensor unchanged, and every other file of `model` copied. `out`
// must not exist or be empty, and must not be `model`. Throws Error naming the file and problem.
QuantizeSummary quantizeCheckpoint(const std::filesystem::path& model, const std::filesystem::path& out,
                                   const WeightFormat& format);

} // namespace loupe::compute
