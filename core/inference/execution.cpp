// SPDX-License-Identifier: MIT
#include "core/inference/execution.h"

#include "compute/backend/backend.h"
#include "compute/backend/cuda/cuda_devices.h"
#include "compute/backend/vulkan/vulkan_devices.h"

#include <algorithm>

namespace loupe::core {

namespace {

std::string precisionRan(compute::Precision p)
{
    return p == compute::Precision::Default ? std::string("f32") : std::string(compute::precisionName(p));
}

compute::ExecutionRecord onCpu(const compute::EngineOptions& options, std::string reason)
{
    compute::ExecutionRecord r;
    r.backend = "cpu";
    r.device = compute::cpuDevice().description();
    r.precision = precisionRan(options.precision);
    r.fallbackReason = std::move(reason);
    return r;
}

const compute::CudaDeviceInfo* selectedCuda(const std::vector<compute::CudaDeviceInfo>& all)
{
    auto it = std::find_if(all.begin(), all.end(), [](const auto& d) { return d.selected; });
    return it == all.end() ? nullptr : &*it;
}

const compute::VulkanDeviceInfo* selectedVulkan(const std::vector<compute::VulkanDeviceInfo>& all)
{
    auto it = std::find_if(all.begin(), all.end(), [](const auto& d) { return d.selected; });
    return it == all.end() ? nullptr : &*it;
}

} // namespace

compute::ExecutionRecord plannedExecution(const compute::EngineOptions& options)
{
    using compute::BackendChoice;
    const bool wantCuda = options.backend == BackendChoice::Cuda || options.backend == BackendChoice::Auto;
    if (wantCuda) {
        // The device lists do not change while the program runs; asking the drivers again per run would
        // cost a Vulkan instance each time.
        static const auto cuda = compute::cudaDeviceInfos();
        if (const auto* d = selectedCuda(cuda); d && compute::cudaDevice()) {
            compute::ExecutionRecord r;
            r.backend = "cuda";
            r.device = d->name;
            r.precision = precisionRan(options.precision);
            return r;
        }
        if (options.backend == BackendChoice::Cuda)
            return onCpu(options, "CUDA is unavailable (" + compute::cudaStatus() + "); ran on the CPU");
    }
    static const auto vk = compute::vulkanDeviceInfos();
    const auto* v = compute::vulkanDevice() ? selectedVulkan(vk) : nullptr;
    if (options.backend == BackendChoice::Vulkan) {
        if (!v)
            return onCpu(options, "Vulkan is unavailable (" + compute::vulkanStatus() + "); ran on the CPU");
    } else if (options.backend != BackendChoice::Auto || !v || v->type == "cpu") {
        // Auto never takes a Vulkan implementation that is itself a CPU (lavapipe).
        return onCpu(options, {});
    }
    compute::ExecutionRecord r;
    r.backend = "vulkan";
    r.device = v->name;
    r.precision = precisionRan(options.precision);
    return r;
}

ExecutionScope::ExecutionScope(const compute::EngineOptions& options) : m_options(options)
{
    compute::ExecutionRecord unset;
    unset.backend.clear();
    compute::setLastExecution(std::move(unset));
}

compute::ExecutionRecord ExecutionScope::finish() const
{
    const compute::ExecutionRecord& engine = compute::lastExecution();
    if (!engine.backend.empty()) return engine;
    // The engine recorded nothing: the model ran on the CPU at f32. Say why when more was asked for.
    const compute::ExecutionRecord planned = plannedExecution(m_options);
    compute::ExecutionRecord r = onCpu({}, planned.fallbackReason);
    std::string missing;
    if (planned.backend != "cpu") missing = planned.backend;
    if (planned.precision != "f32") missing += (missing.empty() ? "" : " at ") + planned.precision;
    if (!missing.empty() && r.fallbackReason.empty())
        r.fallbackReason = "this model does not run on " + missing + " yet; ran on the CPU at f32";
    return r;
}

void applyExecution(RunRecord& run, const compute::ExecutionRecord& e)
{
    run.backend = QString::fromStdString(e.backend);
    run.device = QString::fromStdString(e.device);
    run.precision = QString::fromStdString(e.precision);
    run.fallbackReason = QString::fromStdString(e.fallbackReason);
}

QJsonObject executionJson(const compute::ExecutionRecord& e)
{
    QJsonObject o{{QStringLiteral("backend"), QString::fromStdString(e.backend)},
                  {QStringLiteral("device"), QString::fromStdString(e.device)},
                  {QStringLiteral("precision"), QString::fromStdString(e.precision)}};
    if (!e.fallbackReason.empty())
        o.insert(QStringLiteral("fallback_reason"), QString::fromStdString(e.fallbackReason));
    return o;
}

QString executionSummary(const compute::ExecutionRecord& e)
{
    return QStringLiteral("%1 (%2), %3")
        .arg(QString::fromStdString(e.backend), QString::fromStdString(e.device),
             QString::fromStdString(e.precision));
}

bool isReducedPrecision(const compute::ExecutionRecord& e)
{
    return !e.precision.empty() && e.precision != "f32";
}

} // namespace loupe::core
