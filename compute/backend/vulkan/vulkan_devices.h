// SPDX-License-Identifier: MIT
#pragma once

#include "compute/backend/backend.h"

#include <cstdint>
#include <string>
#include <vector>

namespace loupe::compute {

// What the Vulkan loader reports about one physical device, for `loupe devices` and the About dialog.
struct VulkanDeviceInfo
{
    int index = 0;            // position in the loader's enumeration (what LOUPE_VULKAN_DEVICE=N picks)
    std::string name;         // "NVIDIA GeForce RTX 4090", "llvmpipe (LLVM 15.0.6, 256 bits)"
    std::string type;         // "discrete", "integrated", "virtual", "cpu", "other"
    std::string driver;       // driver name and version ("llvmpipe Mesa 22.3.6")
    std::string apiVersion;   // "1.3.230"
    uint64_t memoryBytes = 0; // device-local heap total
    bool selected = false;    // the one vulkanDevice() returns
};

// Every Vulkan physical device the loader lists, in enumeration order; empty when the backend is not
// built, no loader or driver is installed, or instance creation fails (vulkanStatus() says which).
std::vector<VulkanDeviceInfo> vulkanDeviceInfos();
// One line: "not built (...)", "no Vulkan driver", "2 devices" ...
std::string vulkanStatus();

// The device the engine uses: a discrete GPU before an integrated one before a virtual one before a
// CPU implementation (Mesa lavapipe). LOUPE_VULKAN_DEVICE forces one, by index or by a case-insensitive
// substring of its name; LOUPE_VULKAN_DISABLE=1 hides them all. nullptr when there is none.
Device* vulkanDevice();

// Whether the selected device runs f16 Linear layers through the cooperative-matrix GEMM: "used: ...",
// "off: LOUPE_VULKAN_NO_COOPMAT is set" or "not supported: <reason>" (lavapipe, most non-NVIDIA drivers).
std::string vulkanCooperativeMatrixStatus();

} // namespace loupe::compute
