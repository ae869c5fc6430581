// SPDX-License-Identifier: MIT
#include "compute/backend/vulkan/faults.h"

#include "compute/backend/device_error.h"

#include <cstdlib>
#include <sstream>

namespace loupe::compute::vk {

namespace {

const char* faultName(Fault f)
{
    switch (f) {
    case Fault::NoDriver:
        return "no-driver";
    case Fault::Create:
        return "create";
    case Fault::OutOfMemory:
        return "oom";
    case Fault::Lost:
        return "lost";
    case Fault::None:
        break;
    }
    return "";
}

} // namespace

bool faultInjected(Fault f)
{
    const char* env = std::getenv("LOUPE_FAULT");
    if (!env || !*env || f == Fault::None) return false;
    std::istringstream list(env);
    std::string item;
    while (std::getline(list, item, ','))
        if (item == std::string("vulkan:") + faultName(f)) return true;
    return false;
}

std::string injectedNote(Fault f)
{
    return std::string(" (injected by LOUPE_FAULT=vulkan:") + faultName(f) + ")";
}

void injectFault(Fault f, const char* what)
{
    if (!faultInjected(f)) return;
    switch (f) {
    case Fault::Create:
        throw DeviceError(DeviceFailure::Creation, "vulkan",
                          std::string(what) + " failed: VK_ERROR_INITIALIZATION_FAILED (-3)" +
                              injectedNote(f));
    case Fault::OutOfMemory:
        throw DeviceError(DeviceFailure::OutOfMemory, "vulkan",
                          std::string(what) +
                              " failed: VK_ERROR_OUT_OF_DEVICE_MEMORY (the device is out of memory) (-2)" +
                              injectedNote(f));
    case Fault::Lost:
        throw DeviceError(DeviceFailure::Lost, "vulkan",
                          std::string(what) +
                              " failed: VK_ERROR_DEVICE_LOST (the driver lost the device) (-4)" +
                              injectedNote(f));
    case Fault::NoDriver:
        throw DeviceError(DeviceFailure::NoDriver, "vulkan",
                          std::string(what) + " failed: no Vulkan driver (ICD) is installed" +
                              injectedNote(f));
    case Fault::None:
        break;
    }
}

} // namespace loupe::compute::vk
