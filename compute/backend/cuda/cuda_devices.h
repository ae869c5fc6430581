// SPDX-License-Identifier: MIT
#pragma once

#include "compute/backend/backend.h"

#include <cstdint>
#include <string>
#include <vector>

namespace loupe::compute {

// What the CUDA runtime reports about one GPU, for `loupe devices` and the About dialog.
struct CudaDeviceInfo
{
    int index = 0;
    std::string name;          // "NVIDIA H100 80GB HBM3"
    std::string computeCapability; // "9.0"
    std::string driver;        // driver version "13.0"
    uint64_t memoryBytes = 0;
    bool selected = false;     // the one cudaDevice() returns
};

// Every CUDA GPU; empty when the backend is not built, no driver is installed or no GPU is present
// (cudaStatus() says which).
std::vector<CudaDeviceInfo> cudaDeviceInfos();
std::string cudaStatus();
// The GPU the engine uses (LOUPE_CUDA_DEVICE=N forces one, LOUPE_CUDA_DISABLE=1 hides them); nullptr
// when there is none.
Device* cudaDevice();

} // namespace loupe::compute
