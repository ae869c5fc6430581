// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>
#include <vulkan/vulkan.h>

namespace loupe::compute::vk {

// Throws DeviceError("vulkan", "<what> failed: VK_ERROR_...") unless r is VK_SUCCESS.
void check(VkResult r, const char* what);

// The process's one Vulkan instance and its physical devices, created on first use. `error` says why
// `handle` is null (no loader, no driver, instance creation refused).
struct Instance
{
    VkInstance handle = VK_NULL_HANDLE;
    std::vector<VkPhysicalDevice> physical;
    std::string error;
};
const Instance& instance();

// A logical device with one compute queue. The queue belongs to whoever holds `queueMutex`.
class Context
{
public:
    explicit Context(VkPhysicalDevice physical); // throws Error when the device cannot be created
    ~Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    VkPhysicalDevice physical = VK_NULL_HANDLE;
    VkDevice device = VK_NULL_HANDLE;
    VkQueue queue = VK_NULL_HANDLE;
    uint32_t queueFamily = 0;
    VkPhysicalDeviceProperties props{};
    VkPhysicalDeviceMemoryProperties memory{};
    VkCommandPool commandPool = VK_NULL_HANDLE;
    // VK_NV_cooperative_matrix was enabled (coopmat.h): f16 Linear layers run gemm_coopmat.comp.
    bool cooperativeMatrix = false;
    std::mutex queueMutex;

    // The first memory type allowed by `typeBits` that has every `want` flag; UINT32_MAX if none.
    uint32_t findMemoryType(uint32_t typeBits, VkMemoryPropertyFlags want) const;
    // Records a one-shot command buffer, submits it and waits for it (uploads, downloads, graph runs).
    void submitAndWait(const std::function<void(VkCommandBuffer)>& record);
};

} // namespace loupe::compute::vk
