// SPDX-License-Identifier: MIT
#pragma once

#include "compute/backend/backend.h"
#include "compute/engine_options.h"

#include <string>

namespace loupe::compute {

// The device a backend choice lands on. `device` is never null: the CPU when nothing else fits.
struct DeviceResolution
{
    Device* device = nullptr;
    std::string reason; // non-empty when the choice could not be honoured ("vulkan was asked for, but ...")
    std::string why;    // one sentence for `loupe devices`: why this device (always set)
};

// Auto takes the CUDA GPU, else a Vulkan device that is a real GPU, else the CPU: a CPU-type Vulkan
// implementation (Mesa lavapipe) is slower than the CPU backend, so only an explicit Vulkan choice
// gets it. Vulkan and Cuda take their backend's device or fall to the CPU with a reason.
DeviceResolution resolveDevice(BackendChoice choice);

// "cpu", "vulkan", "cuda": the backend family a device belongs to.
std::string backendOf(const Device& d);
// The device's own name without the details: "llvmpipe (LLVM 15.0.6, 256 bits)", "cpu".
std::string deviceLabel(const Device& d);

} // namespace loupe::compute
