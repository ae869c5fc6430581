// SPDX-License-Identifier: MIT
#include "compute/backend/backend.h"
#include "compute/backend/cuda/cuda_devices.h"
#include "compute/backend/vulkan/vulkan_devices.h"

namespace loupe::compute {

std::vector<Device*> devices()
{
    std::vector<Device*> out{&cpuDevice()};
    if (Device* d = vulkanDevice()) out.push_back(d);
    if (Device* d = cudaDevice()) out.push_back(d);
    return out;
}

} // namespace loupe::compute
