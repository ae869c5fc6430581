// SPDX-License-Identifier: MIT
#include "compute/backend/nvml/nvml_monitor.h"

#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <mutex>
#include <string>

namespace loupe::compute {

namespace {

// The few NVML declarations used, from nvml.h (stable C ABI since the _v2 entry points).
using nvmlReturn_t = int;
using nvmlDevice_t = struct nvmlDevice_st*;
struct nvmlUtilization_t
{
    unsigned int gpu;
    unsigned int memory;
};
struct nvmlMemory_t
{
    unsigned long long total;
    unsigned long long free;
    unsigned long long used;
};
constexpr nvmlReturn_t kNvmlSuccess = 0;

struct Nvml
{
    void* lib = nullptr;
    std::string reason;
    nvmlReturn_t (*init)() = nullptr;
    const char* (*errorString)(nvmlReturn_t) = nullptr;
    nvmlReturn_t (*deviceCount)(unsigned int*) = nullptr;
    nvmlReturn_t (*handleByIndex)(unsigned int, nvmlDevice_t*) = nullptr;
    nvmlReturn_t (*deviceName)(nvmlDevice_t, char*, unsigned int) = nullptr;
    nvmlReturn_t (*utilisation)(nvmlDevice_t, nvmlUtilization_t*) = nullptr;
    nvmlReturn_t (*memoryInfo)(nvmlDevice_t, nvmlMemory_t*) = nullptr;

    std::string error(nvmlReturn_t r) const
    {
        return errorString ? errorString(r) : "NVML error " + std::to_string(r);
    }
};

template <typename F> bool bind(void* lib, const char* name, F& f)
{
    f = reinterpret_cast<F>(dlsym(lib, name));
    return f != nullptr;
}

// Opened once: nvmlInit is costly and the library stays loaded for the process's life.
Nvml& nvml()
{
    static Nvml n;
    static std::once_flag once;
    std::call_once(once, [] {
        if (const char* off = std::getenv("LOUPE_DISABLE_NVML"); off && *off && std::strcmp(off, "0") != 0) {
            n.reason = "NVML disabled by LOUPE_DISABLE_NVML";
            return;
        }
        // LOUPE_NVML_LIBRARY names another file: a driver installed off the library path, or a test's
        // stand-in.
        const char* custom = std::getenv("LOUPE_NVML_LIBRARY");
        const std::string file = custom && *custom ? custom : "libnvidia-ml.so.1";
        n.lib = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!n.lib) {
            n.reason = file + " not found (no NVIDIA driver)";
            return;
        }
        if (!bind(n.lib, "nvmlInit_v2", n.init) || !bind(n.lib, "nvmlDeviceGetCount_v2", n.deviceCount) ||
            !bind(n.lib, "nvmlDeviceGetHandleByIndex_v2", n.handleByIndex) ||
            !bind(n.lib, "nvmlDeviceGetName", n.deviceName) ||
            !bind(n.lib, "nvmlDeviceGetUtilizationRates", n.utilisation) ||
            !bind(n.lib, "nvmlDeviceGetMemoryInfo", n.memoryInfo)) {
            n.reason = "libnvidia-ml.so.1 lacks an NVML entry point (driver too old)";
            n.init = nullptr;
            return;
        }
        bind(n.lib, "nvmlErrorString", n.errorString);
        if (const nvmlReturn_t r = n.init(); r != kNvmlSuccess) {
            n.reason = "nvmlInit failed: " + n.error(r);
            n.init = nullptr;
        }
    });
    return n;
}

std::mutex g_readMutex; // NVML is thread-safe; this keeps readers from sampling twice at once

} // namespace

NvmlReading readNvml()
{
    NvmlReading out;
    Nvml& n = nvml();
    if (!n.init) {
        out.reason = n.reason;
        return out;
    }
    std::lock_guard lock(g_readMutex);
    unsigned count = 0;
    if (const nvmlReturn_t r = n.deviceCount(&count); r != kNvmlSuccess) {
        out.reason = "nvmlDeviceGetCount failed: " + n.error(r);
        return out;
    }
    out.available = true;
    for (unsigned i = 0; i < count; ++i) {
        nvmlDevice_t device = nullptr;
        if (n.handleByIndex(i, &device) != kNvmlSuccess) continue;
        GpuSample s;
        s.index = i;
        char name[96] = {};
        if (n.deviceName(device, name, sizeof name) == kNvmlSuccess) s.name = name;
        nvmlUtilization_t u{};
        if (n.utilisation(device, &u) == kNvmlSuccess) {
            s.utilisationPercent = u.gpu;
            s.memoryUtilisationPercent = u.memory;
        }
        nvmlMemory_t m{};
        if (n.memoryInfo(device, &m) == kNvmlSuccess) {
            s.memoryUsed = m.used;
            s.memoryTotal = m.total;
        }
        out.gpus.push_back(std::move(s));
    }
    return out;
}

} // namespace loupe::compute
