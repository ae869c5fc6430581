// SPDX-License-Identifier: MIT
#include "compute/engine_options.h"

#include <utility>

namespace loupe::compute {

std::string_view backendChoiceName(BackendChoice b)
{
    switch (b) {
    case BackendChoice::Auto: return "auto";
    case BackendChoice::Cpu: return "cpu";
    case BackendChoice::Vulkan: return "vulkan";
    case BackendChoice::Cuda: return "cuda";
    }
    return "auto";
}

std::optional<BackendChoice> parseBackendChoice(std::string_view s)
{
    for (BackendChoice b : {BackendChoice::Auto, BackendChoice::Cpu, BackendChoice::Vulkan, BackendChoice::Cuda})
        if (backendChoiceName(b) == s) return b;
    return std::nullopt;
}

std::string_view precisionName(Precision p)
{
    switch (p) {
    case Precision::Default: return "default";
    case Precision::F32: return "f32";
    case Precision::BF16: return "bf16";
    case Precision::F16: return "f16";
    case Precision::Int8: return "int8";
    }
    return "default";
}

std::optional<Precision> parsePrecision(std::string_view s)
{
    for (Precision p : {Precision::Default, Precision::F32, Precision::BF16, Precision::F16, Precision::Int8})
        if (precisionName(p) == s) return p;
    return std::nullopt;
}

namespace {
thread_local ExecutionRecord t_last;
}

const ExecutionRecord& lastExecution()
{
    return t_last;
}

void setLastExecution(ExecutionRecord r)
{
    t_last = std::move(r);
}

} // namespace loupe::compute
