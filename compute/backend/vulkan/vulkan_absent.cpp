// SPDX-License-Identifier: MIT
// Built instead of the Vulkan backend where Vulkan headers, loader or glslc were missing at configure time.
#include "compute/backend/vulkan/shader_table.h"
#include "compute/backend/vulkan/vulkan_devices.h"

namespace loupe::compute {

std::vector<VulkanDeviceInfo> vulkanDeviceInfos()
{
    return {};
}

std::string vulkanStatus()
{
    return "not built (Vulkan headers or glslc were missing when Loupe was configured)";
}

Device* vulkanDevice()
{
    return nullptr;
}

std::string vulkanCooperativeMatrixStatus()
{
    return "not supported: the Vulkan backend is not built";
}

namespace vk {

const ShaderCode* findShader(const char*)
{
    return nullptr;
}

} // namespace vk

} // namespace loupe::compute
