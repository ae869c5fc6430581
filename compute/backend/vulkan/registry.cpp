// SPDX-License-Identifier: MIT
// Which Vulkan devices exist and which one the engine uses.
#include "compute/backend/vulkan/device.h"
#include "compute/backend/vulkan/faults.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace loupe::compute {

namespace {

std::string typeName(VkPhysicalDeviceType t)
{
    switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
        return "discrete";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
        return "integrated";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
        return "virtual";
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
        return "cpu";
    default:
        return "other";
    }
}

int preference(const std::string& type)
{
    static const char* order[] = {"discrete", "integrated", "virtual", "cpu", "other"};
    for (int i = 0; i < 5; ++i)
        if (type == order[i]) return i;
    return 5;
}

std::string version(uint32_t v)
{
    return std::to_string(VK_API_VERSION_MAJOR(v)) + "." + std::to_string(VK_API_VERSION_MINOR(v)) + "." +
           std::to_string(VK_API_VERSION_PATCH(v));
}

VulkanDeviceInfo describe(VkPhysicalDevice pd, int index)
{
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(pd, &props);
    VulkanDeviceInfo info;
    info.index = index;
    info.name = props.deviceName;
    info.type = typeName(props.deviceType);
    info.apiVersion = version(props.apiVersion);
    info.driver = "driver " + std::to_string(props.driverVersion);
    if (props.apiVersion >= VK_API_VERSION_1_2) {
        VkPhysicalDeviceDriverProperties driver{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES};
        VkPhysicalDeviceProperties2 p2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
        p2.pNext = &driver;
        vkGetPhysicalDeviceProperties2(pd, &p2);
        info.driver = std::string(driver.driverName) + (driver.driverInfo[0] ? " " : "") + driver.driverInfo;
    }
    VkPhysicalDeviceMemoryProperties mem;
    vkGetPhysicalDeviceMemoryProperties(pd, &mem);
    for (uint32_t h = 0; h < mem.memoryHeapCount; ++h)
        if (mem.memoryHeaps[h].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT)
            info.memoryBytes += mem.memoryHeaps[h].size;
    return info;
}

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

struct Registry
{
    std::vector<std::unique_ptr<vk::VulkanDevice>> devices; // enumeration order
    int selected = -1;
    std::string status;
};

const Registry& registry()
{
    static const Registry reg = [] {
        Registry r;
        const char* disable = std::getenv("LOUPE_VULKAN_DISABLE");
        if (disable && *disable && std::string(disable) != "0") {
            r.status = "disabled by LOUPE_VULKAN_DISABLE";
            return r;
        }
        const vk::Instance& inst = vk::instance();
        if (!inst.handle || inst.physical.empty()) {
            r.status = inst.error;
            return r;
        }
        for (size_t i = 0; i < inst.physical.size(); ++i)
            r.devices.push_back(
                std::make_unique<vk::VulkanDevice>(inst.physical[i], describe(inst.physical[i], int(i))));
        const char* force = std::getenv("LOUPE_VULKAN_DEVICE");
        if (force && *force) {
            const std::string want = force;
            const bool numeric =
                std::all_of(want.begin(), want.end(), [](unsigned char c) { return std::isdigit(c); });
            for (size_t i = 0; i < r.devices.size() && r.selected < 0; ++i)
                if (numeric ? std::to_string(i) == want
                            : lower(r.devices[i]->info().name).find(lower(want)) != std::string::npos)
                    r.selected = int(i);
            r.status = r.selected < 0 ? "LOUPE_VULKAN_DEVICE=" + want + " matches none of the " +
                                            std::to_string(r.devices.size()) + " devices"
                                      : "forced by LOUPE_VULKAN_DEVICE=" + want;
        } else {
            for (size_t i = 0; i < r.devices.size(); ++i)
                if (r.selected < 0 || preference(r.devices[i]->info().type) <
                                          preference(r.devices[size_t(r.selected)]->info().type))
                    r.selected = int(i);
            r.status = std::to_string(r.devices.size()) + (r.devices.size() == 1 ? " device" : " devices");
        }
        return r;
    }();
    return reg;
}

} // namespace

std::vector<VulkanDeviceInfo> vulkanDeviceInfos()
{
    std::vector<VulkanDeviceInfo> out;
    if (vk::faultInjected(vk::Fault::NoDriver)) return out;
    const Registry& r = registry();
    for (size_t i = 0; i < r.devices.size(); ++i) {
        out.push_back(r.devices[i]->info());
        out.back().selected = int(i) == r.selected;
    }
    return out;
}

std::string vulkanStatus()
{
    if (vk::faultInjected(vk::Fault::NoDriver))
        return "no Vulkan driver (ICD) is installed" + vk::injectedNote(vk::Fault::NoDriver);
    return registry().status;
}

Device* vulkanDevice()
{
    if (vk::faultInjected(vk::Fault::NoDriver)) return nullptr;
    const Registry& r = registry();
    return r.selected < 0 ? nullptr : r.devices[size_t(r.selected)].get();
}

} // namespace loupe::compute
