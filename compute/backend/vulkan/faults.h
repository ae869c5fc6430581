// SPDX-License-Identifier: MIT
#pragma once

#include <string>

namespace loupe::compute::vk {

// Fault injection for tests and for rehearsing a driver failure by hand: LOUPE_FAULT=vulkan:WHAT
// (several as a comma list, e.g. "vulkan:oom,cuda:lost") makes the Vulkan backend fail the way the
// real failure does, at the point where it happens:
//   no-driver  the loader finds no driver: no Vulkan device is listed
//   create     vkCreateDevice fails (VK_ERROR_INITIALIZATION_FAILED) whenever the device is used
//   oom        every device allocation fails (VK_ERROR_OUT_OF_DEVICE_MEMORY)
//   lost       every submission fails (VK_ERROR_DEVICE_LOST)
// The variable is read at each of those points, so a test can change it between cases.
enum class Fault { None, NoDriver, Create, OutOfMemory, Lost };

bool faultInjected(Fault f);
// Throws the DeviceError the real failure gives when `f` is injected.
void injectFault(Fault f, const char* what);
// The suffix that marks an injected failure's message.
std::string injectedNote(Fault f);

} // namespace loupe::compute::vk
