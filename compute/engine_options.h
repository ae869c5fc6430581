// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace loupe::compute {

// Where a model runs. Auto prefers CUDA, then a Vulkan GPU, then the CPU; it never picks a Vulkan
// implementation that is itself a CPU (Mesa lavapipe): that one runs only when asked for by name.
enum class BackendChoice { Auto, Cpu, Vulkan, Cuda };
// The precision of a model's linear weights and GEMMs. LayerNorm, softmax, reductions and everything
// the attribution methods read stay f32. Default means f32, or what a quantised checkpoint was saved as.
enum class Precision { Default, F32, BF16, F16, Int8 };

std::string_view backendChoiceName(BackendChoice b); // "auto", "cpu", "vulkan", "cuda"
std::optional<BackendChoice> parseBackendChoice(std::string_view s);
std::string_view precisionName(Precision p); // "default", "f32", "bf16", "f16", "int8"
std::optional<Precision> parsePrecision(std::string_view s);

// How a model is to be run; fixed when the model is loaded (see Checkpoint::open).
struct EngineOptions
{
    BackendChoice backend = BackendChoice::Auto;
    Precision precision = Precision::Default;
};

// What actually ran the last model computation on this thread: the device after any fall-back and
// the precision after resolving Default. Runs stored in a project copy these.
struct ExecutionRecord
{
    std::string backend = "cpu"; // "cpu", "vulkan", "cuda"
    std::string device = "cpu";  // the device's name ("NVIDIA H100 80GB HBM3", "llvmpipe ...", "cpu")
    std::string precision = "f32";
    std::string fallbackReason; // non-empty when the chosen device failed and the CPU took over
};
const ExecutionRecord& lastExecution();
void setLastExecution(ExecutionRecord r);

} // namespace loupe::compute
