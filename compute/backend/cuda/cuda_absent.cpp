// SPDX-License-Identifier: MIT
// Built instead of the CUDA backend where no CUDA toolkit was found at configure time.
#include "compute/backend/cuda/cuda_devices.h"

namespace loupe::compute {

std::vector<CudaDeviceInfo> cudaDeviceInfos()
{
    return {};
}

std::string cudaStatus()
{
    return "not built (no CUDA toolkit was found when Loupe was configured)";
}

Device* cudaDevice()
{
    return nullptr;
}

} // namespace loupe::compute
