// SPDX-License-Identifier: MIT
// Built instead of the CUDA backend where no CUDA toolkit was found at configure time.
#include "compute/backend/cuda/cuda_devices.h"

// What configure said (cmake/LoupeBackends.cmake): disabled, or no toolkit found.
#ifndef LOUPE_CUDA_REASON
#define LOUPE_CUDA_REASON "no CUDA toolkit was found when Loupe was configured"
#endif

namespace loupe::compute {

std::vector<CudaDeviceInfo> cudaDeviceInfos()
{
    return {};
}

std::string cudaStatus()
{
    return std::string("not built: ") + LOUPE_CUDA_REASON;
}

Device* cudaDevice()
{
    return nullptr;
}

} // namespace loupe::compute
