// SPDX-License-Identifier: MIT
#include "compute/backend/vulkan/coopmat.h"

#include "compute/backend/vulkan/context.h"
#include "compute/backend/vulkan/device.h"

#include <cstdlib>
#include <cstring>
#include <vector>

namespace loupe::compute::vk {

namespace {

bool hasExtension(VkPhysicalDevice pd, const char* name)
{
    uint32_t n = 0;
    vkEnumerateDeviceExtensionProperties(pd, nullptr, &n, nullptr);
    std::vector<VkExtensionProperties> ext(n);
    if (n) vkEnumerateDeviceExtensionProperties(pd, nullptr, &n, ext.data());
    for (uint32_t i = 0; i < n; ++i)
        if (std::strcmp(ext[i].extensionName, name) == 0) return true;
    return false;
}

} // namespace

CoopMatProbe probeCooperativeMatrix(VkPhysicalDevice pd)
{
    VkPhysicalDeviceProperties props{};
    vkGetPhysicalDeviceProperties(pd, &props);
    if (VK_API_VERSION_MINOR(props.apiVersion) < 1 && VK_API_VERSION_MAJOR(props.apiVersion) == 1)
        return {false, "a Vulkan 1.0 device (subgroups need 1.1)"};
    if (!hasExtension(pd, VK_NV_COOPERATIVE_MATRIX_EXTENSION_NAME))
        return {false,
                std::string(props.deviceName) + " does not offer " + VK_NV_COOPERATIVE_MATRIX_EXTENSION_NAME};
    if (!hasExtension(pd, VK_KHR_SHADER_FLOAT16_INT8_EXTENSION_NAME))
        return {false, std::string(props.deviceName) + " does not offer " +
                           VK_KHR_SHADER_FLOAT16_INT8_EXTENSION_NAME};

    VkPhysicalDeviceShaderFloat16Int8FeaturesKHR f16{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES_KHR};
    VkPhysicalDeviceCooperativeMatrixFeaturesNV cm{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_COOPERATIVE_MATRIX_FEATURES_NV};
    cm.pNext = &f16;
    VkPhysicalDeviceFeatures2 features{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
    features.pNext = &cm;
    vkGetPhysicalDeviceFeatures2(pd, &features);
    if (!cm.cooperativeMatrix) return {false, "the cooperativeMatrix feature is off"};
    if (!f16.shaderFloat16) return {false, "the shaderFloat16 feature is off"};

    VkPhysicalDeviceCooperativeMatrixPropertiesNV cmProps{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_COOPERATIVE_MATRIX_PROPERTIES_NV};
    VkPhysicalDeviceSubgroupProperties sub{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
    sub.pNext = &cmProps;
    VkPhysicalDeviceProperties2 props2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
    props2.pNext = &sub;
    vkGetPhysicalDeviceProperties2(pd, &props2);
    if (!(cmProps.cooperativeMatrixSupportedStages & VK_SHADER_STAGE_COMPUTE_BIT))
        return {false, "cooperative matrices are not offered to compute shaders"};
    if (sub.subgroupSize != 32 || !(sub.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT))
        return {false, "subgroups of " + std::to_string(sub.subgroupSize) + ", the shader needs 32"};

    // Not exported by the loader: an extension command, looked up through the instance.
    auto list = reinterpret_cast<PFN_vkGetPhysicalDeviceCooperativeMatrixPropertiesNV>(
        vkGetInstanceProcAddr(instance().handle, "vkGetPhysicalDeviceCooperativeMatrixPropertiesNV"));
    if (!list) return {false, "vkGetPhysicalDeviceCooperativeMatrixPropertiesNV is missing"};
    uint32_t n = 0;
    list(pd, &n, nullptr);
    std::vector<VkCooperativeMatrixPropertiesNV> shapes(n,
                                                        {VK_STRUCTURE_TYPE_COOPERATIVE_MATRIX_PROPERTIES_NV});
    if (n) list(pd, &n, shapes.data());
    for (uint32_t i = 0; i < n; ++i) {
        const VkCooperativeMatrixPropertiesNV& s = shapes[i];
        if (s.MSize == 16 && s.NSize == 16 && s.KSize == 16 && s.AType == VK_COMPONENT_TYPE_FLOAT16_NV &&
            s.BType == VK_COMPONENT_TYPE_FLOAT16_NV && s.CType == VK_COMPONENT_TYPE_FLOAT32_NV &&
            s.DType == VK_COMPONENT_TYPE_FLOAT32_NV && s.scope == VK_SCOPE_SUBGROUP_NV)
            return {true, "16x16x16 f16 x f16 + f32 subgroup matrices (VK_NV_cooperative_matrix)"};
    }
    return {false, "none of the " + std::to_string(n) +
                       " cooperative-matrix shapes is 16x16x16 f16 x f16 + f32 at subgroup scope"};
}

bool cooperativeMatrixTurnedOff()
{
    const char* off = std::getenv("LOUPE_VULKAN_NO_COOPMAT");
    return off && *off && std::string(off) != "0";
}

std::string cooperativeMatrixStatus(const CoopMatProbe& probe)
{
    if (cooperativeMatrixTurnedOff()) return "off: LOUPE_VULKAN_NO_COOPMAT is set";
    if (!probe.supported) return "not supported: " + probe.reason;
    return "used: " + probe.reason;
}

} // namespace loupe::compute::vk

namespace loupe::compute {

std::string vulkanCooperativeMatrixStatus()
{
    auto* d = dynamic_cast<vk::VulkanDevice*>(vulkanDevice());
    if (!d) return "not supported: no Vulkan device (" + vulkanStatus() + ")";
    return vk::cooperativeMatrixStatus(vk::probeCooperativeMatrix(d->physical()));
}

} // namespace loupe::compute
