// SPDX-License-Identifier: MIT
#pragma once

#include "compute/models/blip_config.h"
#include "compute/models/gpt2.h"
#include "compute/models/vit.h"
#include "compute/tensor.h"

#include <filesystem>
#include <map>
#include <string>

namespace loupe::compute::bench {

// Tensors named as in a transformers checkpoint, with deterministic values of roughly the spread of
// trained weights: speed measurements need the real shapes, not real weights.
struct RandomWeights
{
    uint64_t state = 0x9E3779B97F4A7C15ull;
    std::map<std::string, Tensor> w;

    Tensor make(Shape shape, float scale);
    void add(const std::string& name, Shape shape, float scale) { w[name] = make(std::move(shape), scale); }
    // nn.Linear weights are [out, in]; GPT-2's Conv1D ones [in, out].
    void linear(const std::string& stem, int64_t in, int64_t out, bool conv1d = false);
    void norm(const std::string& stem, int64_t d);
};

// GPT2LMHeadModel's tensors, with a VisionEncoderDecoderModel decoder's cross-attention if the config
// has it.
std::map<std::string, Tensor> randomGpt2Tensors(const Gpt2Config& config);
Gpt2Model randomGpt2(const Gpt2Config& config);
VitModel randomVit(const ViTConfig& config);

// A GPT2LMHeadModel folder (config.json, model.safetensors) as transformers saves it, so other engines'
// converters read the very weights Loupe benchmarks. Throws Error naming the folder on failure.
void writeRandomGpt2(const std::filesystem::path& dir, const Gpt2Config& config);
// A BlipForConditionalGeneration folder (config.json, model.safetensors) with the names the loader takes.
void writeRandomBlip(const std::filesystem::path& dir, const BlipConfig& config);

} // namespace loupe::compute::bench
