// SPDX-License-Identifier: MIT
#include "compute/backend/device_choice.h"

#include "compute/backend/cuda/cuda_devices.h"
#include "compute/backend/vulkan/vulkan_devices.h"

namespace loupe::compute {

namespace {

DeviceResolution onCpu(std::string reason, std::string why)
{
    return {&cpuDevice(), std::move(reason), std::move(why)};
}

} // namespace

DeviceResolution resolveDevice(BackendChoice choice)
{
    switch (choice) {
    case BackendChoice::Cpu:
        return onCpu({}, "the CPU was asked for");
    case BackendChoice::Cuda:
        if (Device* d = cudaDevice()) return {d, {}, "CUDA was asked for"};
        return onCpu("cuda was asked for, but " + cudaStatus() + "; running on the CPU",
                     "CUDA was asked for but is unavailable (" + cudaStatus() + ")");
    case BackendChoice::Vulkan:
        if (Device* d = vulkanDevice()) return {d, {}, "Vulkan was asked for"};
        return onCpu("vulkan was asked for, but " + vulkanStatus() + "; running on the CPU",
                     "Vulkan was asked for but is unavailable (" + vulkanStatus() + ")");
    case BackendChoice::Auto:
        break;
    }
    if (Device* d = cudaDevice()) return {d, {}, "auto picks the CUDA GPU first"};
    Device* vk = vulkanDevice();
    if (vk && vk->kind() != DeviceKind::Cpu)
        return {vk, {}, "auto picks a Vulkan GPU when there is no CUDA GPU (CUDA: " + cudaStatus() + ")"};
    if (vk)
        return onCpu(
            {}, "auto picks the CPU: the only Vulkan device, " + deviceLabel(*vk) +
                    ", is itself a CPU implementation (ask for vulkan to use it); CUDA: " + cudaStatus());
    return onCpu({}, "auto picks the CPU: no GPU was found (CUDA: " + cudaStatus() +
                         "; Vulkan: " + vulkanStatus() + ")");
}

std::string backendOf(const Device& d)
{
    return d.name();
}

std::string deviceLabel(const Device& d)
{
    return d.label();
}

} // namespace loupe::compute
