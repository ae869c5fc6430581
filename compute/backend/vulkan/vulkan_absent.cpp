// SPDX-License-Identifier: MIT
// Built instead of the Vulkan backend where Vulkan headers, loader or glslc were missing at configure time.
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

} // namespace loupe::compute
