// SPDX-License-Identifier: MIT
#include "compute/backend/vulkan/context.h"

#include "compute/backend/device_error.h"
#include "compute/backend/vulkan/coopmat.h"
#include "compute/backend/vulkan/faults.h"

namespace loupe::compute::vk {

namespace {

const char* resultName(VkResult r)
{
    switch (r) {
    case VK_ERROR_OUT_OF_HOST_MEMORY:
        return "VK_ERROR_OUT_OF_HOST_MEMORY";
    case VK_ERROR_OUT_OF_DEVICE_MEMORY:
        return "VK_ERROR_OUT_OF_DEVICE_MEMORY (the device is out of memory)";
    case VK_ERROR_INITIALIZATION_FAILED:
        return "VK_ERROR_INITIALIZATION_FAILED";
    case VK_ERROR_DEVICE_LOST:
        return "VK_ERROR_DEVICE_LOST (the driver lost the device)";
    case VK_ERROR_INCOMPATIBLE_DRIVER:
        return "VK_ERROR_INCOMPATIBLE_DRIVER (no Vulkan driver installed)";
    case VK_ERROR_EXTENSION_NOT_PRESENT:
        return "VK_ERROR_EXTENSION_NOT_PRESENT";
    case VK_ERROR_FEATURE_NOT_PRESENT:
        return "VK_ERROR_FEATURE_NOT_PRESENT";
    case VK_ERROR_TOO_MANY_OBJECTS:
        return "VK_ERROR_TOO_MANY_OBJECTS";
    case VK_ERROR_OUT_OF_POOL_MEMORY:
        return "VK_ERROR_OUT_OF_POOL_MEMORY";
    case VK_TIMEOUT:
        return "VK_TIMEOUT";
    default:
        return "VkResult error";
    }
}

} // namespace

DeviceFailure failureOf(VkResult r)
{
    switch (r) {
    case VK_ERROR_OUT_OF_HOST_MEMORY:
    case VK_ERROR_OUT_OF_DEVICE_MEMORY:
    case VK_ERROR_OUT_OF_POOL_MEMORY:
    case VK_ERROR_TOO_MANY_OBJECTS:
        return DeviceFailure::OutOfMemory;
    case VK_ERROR_DEVICE_LOST:
    case VK_TIMEOUT:
        return DeviceFailure::Lost;
    case VK_ERROR_INCOMPATIBLE_DRIVER:
        return DeviceFailure::NoDriver;
    case VK_ERROR_INITIALIZATION_FAILED:
    case VK_ERROR_EXTENSION_NOT_PRESENT:
    case VK_ERROR_FEATURE_NOT_PRESENT:
        return DeviceFailure::Creation;
    default:
        return DeviceFailure::Other;
    }
}

void check(VkResult r, const char* what)
{
    // Every failed Vulkan call is the device's failure, never the input's: the scheduler redoes the
    // work on the CPU.
    if (r != VK_SUCCESS)
        throw DeviceError(failureOf(r), "vulkan",
                          std::string(what) + " failed: " + resultName(r) + " (" + std::to_string(int(r)) +
                              ")");
}

const Instance& instance()
{
    static const Instance inst = [] {
        Instance i;
        VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
        app.pApplicationName = "Loupe";
        app.pEngineName = "loupe-compute";
        app.apiVersion = VK_API_VERSION_1_1;
        VkInstanceCreateInfo ci{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
        ci.pApplicationInfo = &app;
        const VkResult r = vkCreateInstance(&ci, nullptr, &i.handle);
        if (r != VK_SUCCESS) {
            i.handle = VK_NULL_HANDLE;
            i.error = r == VK_ERROR_INCOMPATIBLE_DRIVER
                          ? "no Vulkan driver (ICD) is installed"
                          : "vkCreateInstance failed (" + std::to_string(int(r)) + ")";
            return i;
        }
        uint32_t n = 0;
        vkEnumeratePhysicalDevices(i.handle, &n, nullptr);
        i.physical.resize(n);
        if (n) vkEnumeratePhysicalDevices(i.handle, &n, i.physical.data());
        i.physical.resize(n);
        if (n == 0) i.error = "the Vulkan loader lists no device";
        return i; // the instance lives as long as the process: devices hang off it
    }();
    return inst;
}

Context::Context(VkPhysicalDevice pd) : physical(pd)
{
    vkGetPhysicalDeviceProperties(pd, &props);
    vkGetPhysicalDeviceMemoryProperties(pd, &memory);
    uint32_t nf = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &nf, nullptr);
    std::vector<VkQueueFamilyProperties> families(nf);
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &nf, families.data());
    // A compute-only family when there is one (async compute on discrete GPUs), else any with compute.
    uint32_t pick = UINT32_MAX;
    for (uint32_t f = 0; f < nf; ++f)
        if ((families[f].queueFlags & VK_QUEUE_COMPUTE_BIT) &&
            !(families[f].queueFlags & VK_QUEUE_GRAPHICS_BIT)) {
            pick = f;
            break;
        }
    for (uint32_t f = 0; f < nf && pick == UINT32_MAX; ++f)
        if (families[f].queueFlags & VK_QUEUE_COMPUTE_BIT) pick = f;
    if (pick == UINT32_MAX)
        throw DeviceError(DeviceFailure::Creation, "vulkan",
                          std::string(props.deviceName) + " has no compute queue");
    queueFamily = pick;
    const float priority = 1.f;
    VkDeviceQueueCreateInfo qi{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
    qi.queueFamilyIndex = pick;
    qi.queueCount = 1;
    qi.pQueuePriorities = &priority;
    VkDeviceCreateInfo di{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
    di.queueCreateInfoCount = 1;
    di.pQueueCreateInfos = &qi;
    // Cooperative matrices where the device has them and nobody turned them off. A driver that lists
    // them and then refuses the device gets a second try without.
    VkPhysicalDeviceShaderFloat16Int8FeaturesKHR f16{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES_KHR};
    f16.shaderFloat16 = VK_TRUE;
    VkPhysicalDeviceCooperativeMatrixFeaturesNV cm{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_COOPERATIVE_MATRIX_FEATURES_NV};
    cm.cooperativeMatrix = VK_TRUE;
    cm.pNext = &f16;
    const char* extensions[] = {VK_NV_COOPERATIVE_MATRIX_EXTENSION_NAME,
                                VK_KHR_SHADER_FLOAT16_INT8_EXTENSION_NAME};
    if (!cooperativeMatrixTurnedOff() && probeCooperativeMatrix(pd).supported) {
        VkDeviceCreateInfo withCm = di;
        withCm.pNext = &cm;
        withCm.enabledExtensionCount = 2;
        withCm.ppEnabledExtensionNames = extensions;
        cooperativeMatrix = vkCreateDevice(pd, &withCm, nullptr, &device) == VK_SUCCESS;
    }
    if (!cooperativeMatrix) check(vkCreateDevice(pd, &di, nullptr, &device), "vkCreateDevice");
    vkGetDeviceQueue(device, pick, 0, &queue);
    VkCommandPoolCreateInfo pi{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    pi.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT | VK_COMMAND_POOL_CREATE_TRANSIENT_BIT;
    pi.queueFamilyIndex = pick;
    check(vkCreateCommandPool(device, &pi, nullptr, &commandPool), "vkCreateCommandPool");
}

Context::~Context()
{
    if (device) {
        vkDeviceWaitIdle(device);
        vkDestroyCommandPool(device, commandPool, nullptr);
        vkDestroyDevice(device, nullptr);
    }
}

uint32_t Context::findMemoryType(uint32_t typeBits, VkMemoryPropertyFlags want) const
{
    for (uint32_t i = 0; i < memory.memoryTypeCount; ++i)
        if ((typeBits & (1u << i)) && (memory.memoryTypes[i].propertyFlags & want) == want) return i;
    return UINT32_MAX;
}

void Context::submitAndWait(const std::function<void(VkCommandBuffer)>& record)
{
    std::lock_guard lock(queueMutex);
    injectFault(Fault::Lost, "vkQueueSubmit");
    VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    ai.commandPool = commandPool;
    ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    ai.commandBufferCount = 1;
    VkCommandBuffer cb = VK_NULL_HANDLE;
    check(vkAllocateCommandBuffers(device, &ai, &cb), "vkAllocateCommandBuffers");
    VkFence fence = VK_NULL_HANDLE;
    struct Cleanup
    {
        Context& c;
        VkCommandBuffer& cb;
        VkFence& fence;
        ~Cleanup()
        {
            if (fence) vkDestroyFence(c.device, fence, nullptr);
            vkFreeCommandBuffers(c.device, c.commandPool, 1, &cb);
        }
    } cleanup{*this, cb, fence};
    VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    check(vkBeginCommandBuffer(cb, &bi), "vkBeginCommandBuffer");
    record(cb);
    check(vkEndCommandBuffer(cb), "vkEndCommandBuffer");
    VkFenceCreateInfo fi{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    check(vkCreateFence(device, &fi, nullptr, &fence), "vkCreateFence");
    VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    si.commandBufferCount = 1;
    si.pCommandBuffers = &cb;
    check(vkQueueSubmit(queue, 1, &si, fence), "vkQueueSubmit");
    // A bounded wait: a hung driver gives an error instead of a hang.
    check(vkWaitForFences(device, 1, &fence, VK_TRUE, 120ull * 1000 * 1000 * 1000), "waiting for the GPU");
}

} // namespace loupe::compute::vk
