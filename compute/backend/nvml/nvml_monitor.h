// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace loupe::compute {

// GPU utilisation and memory as the NVIDIA driver reports them (NVML). libnvidia-ml.so.1 is opened at
// run time, never linked, so the engine runs on machines without the driver; LOUPE_DISABLE_NVML=1
// keeps it closed and LOUPE_NVML_LIBRARY=PATH opens another file.
struct GpuSample
{
    unsigned index = 0;
    std::string name;
    unsigned utilisationPercent = 0; // kernels running, over the driver's last sample period
    unsigned memoryUtilisationPercent = 0;
    uint64_t memoryUsed = 0;
    uint64_t memoryTotal = 0;
};

struct NvmlReading
{
    bool available = false;
    std::string reason; // why not, when unavailable ("libnvidia-ml.so.1 not found", ...)
    std::vector<GpuSample> gpus;
};

// One reading of every GPU; thread-safe. The library is opened and initialised on the first call.
NvmlReading readNvml();

} // namespace loupe::compute
