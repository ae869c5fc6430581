// SPDX-License-Identifier: MIT
#pragma once

#include "compute/engine_options.h"
#include "compute/gemm/gemm.h"
#include "compute/io/tensor_view.h"

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace loupe::compute {

// A Hugging Face checkpoint folder: config.json plus weights in one of
//   model.safetensors, model.safetensors.index.json (+ shards), pytorch_model.bin (torch.save zip) or
//   pytorch_model.bin.index.json (+ .bin shards), in that order of preference.
// Weight files are memory-mapped and tensors are views into them (no copies); the views stay valid as
// long as any copy of the Checkpoint lives. Every problem throws Error naming the file and the problem.
class Checkpoint
{
public:
    enum class Format { Safetensors, ShardedSafetensors, PytorchBin, ShardedPytorchBin };

    // `options` say how models loaded from this checkpoint will run (device, precision).
    static Checkpoint open(const std::filesystem::path& folder, const EngineOptions& options = {});

    const EngineOptions& engineOptions() const;
    Checkpoint withEngineOptions(const EngineOptions& options) const; // same files, other options
    // The format `loupe quantize` saved the linear weights at (Precision::Default for other checkpoints).
    // Its int8 weights read as dequantised f32 (tensor(), toF32(), names() hide the scales).
    WeightFormat savedWeightFormat() const;
    // What models loaded from this checkpoint pack their linear weights at: the precision asked for in
    // the engine options, else the saved one, else f32; after the kill switches (effectiveWeightFormat).
    WeightFormat linearWeightFormat() const;
    // Why linearWeightFormat() is not the precision asked for (weightFormatNote); empty when it is.
    std::string linearWeightFormatNote() const;

    const std::filesystem::path& folder() const;
    Format format() const;
    const nlohmann::json& config() const;                    // parsed config.json
    const std::vector<std::filesystem::path>& files() const; // weight files read

    std::vector<std::string> names() const; // sorted
    bool contains(std::string_view name) const;
    const TensorView* find(std::string_view name) const;
    const TensorView& tensor(std::string_view name) const; // throws Error naming the checkpoint
    std::vector<float> toF32(std::string_view name) const; // f16/bf16/... converted; f32 copied
    uint64_t parameterCount() const;                       // elements of every tensor

    struct Impl; // defined in checkpoint.cpp

private:
    std::shared_ptr<const Impl> d_;
};

std::string_view formatName(Checkpoint::Format f);

// Parses a JSON file, throwing Error naming it if it cannot be read or is not valid JSON.
nlohmann::json readJsonFile(const std::filesystem::path& path);

} // namespace loupe::compute
