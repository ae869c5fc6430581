// SPDX-License-Identifier: MIT
#pragma once

#include "compute/gemm/gemm.h"
#include "compute/io/tensor_view.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace loupe::compute {

// Checkpoints written by `loupe quantize` (compute/quantize/quantize_checkpoint.h) say how in
// config.json: "quantization_config": {"quant_method": "loupe", "dtype": "bf16" | "f16" | "int8",
// "bits": 16 | 8, "group_size": G (int8; 0 = per output channel)}. An int8 weight "x.weight" is stored
// as I8 with an f32 "x.weight_scale" of shape [N] (per channel) or [N, K / G] (per group) for W [N, K]
// (K: the product of the other dims); [G, K] for a GPT-2 Conv1D weight [in, out], scaled per column.
constexpr const char* kQuantMethod = "loupe";
constexpr const char* kScaleSuffix = "_scale";

// The format a Loupe-quantised checkpoint was saved at, or Precision::Default when config.json has no
// Loupe quantization_config. Throws Error naming `label` for a malformed one.
WeightFormat savedWeightFormat(const nlohmann::json& config, const std::string& label);
nlohmann::json quantizationConfigJson(const WeightFormat& format);

// Replaces each I8 tensor that has a "<name>_scale" companion by its dequantised f32 values (buffers
// appended to `owned`) and removes the scales, so every model reads a quantised checkpoint as f32.
// Throws Error naming the file and tensor for an I8 tensor without a scale, a scale of the wrong shape
// or dtype, or a scale that is not finite and positive. Other "*_scale" tensors are left alone.
void dequantizeInt8Tensors(std::map<std::string, TensorView, std::less<>>& tensors,
                           const std::map<std::string, std::filesystem::path, std::less<>>& fileOf,
                           std::vector<std::shared_ptr<std::vector<uint8_t>>>& owned);

} // namespace loupe::compute
