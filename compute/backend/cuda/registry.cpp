// SPDX-License-Identifier: MIT
// Which CUDA GPUs exist and which one the engine uses. Nothing here needs a CUDA library at start-up:
// the runtime is linked statically and finds the driver (libcuda.so.1) itself; cuBLAS is opened with
// dlopen once a GPU is found.
#include "compute/backend/cuda/check.h"
#include "compute/backend/cuda/cublas.h"
#include "compute/backend/cuda/device.h"
#include "compute/backend/profiler.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <dlfcn.h>

namespace loupe::compute {

namespace {

bool disabled()
{
    const char* v = std::getenv("LOUPE_CUDA_DISABLE");
    return v && *v && std::string(v) != "0";
}

std::string version(int v)
{
    return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10);
}

struct Registry
{
    std::vector<std::unique_ptr<cuda::CudaDevice>> devices;
    int selected = -1;
    std::string status;
};

// Why no driver could be used, in the user's terms: the library missing, or too old for this runtime.
std::string driverProblem(cudaError_t e)
{
    void* lib = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
    if (!lib) {
        const char* why = dlerror();
        return "no NVIDIA driver (" + std::string(why ? why : "libcuda.so.1 not found") + ")";
    }
    dlclose(lib);
    int driver = 0;
    cudaDriverGetVersion(&driver);
    int runtime = 0;
    cudaRuntimeGetVersion(&runtime);
    if (e == cudaErrorInsufficientDriver)
        return "the NVIDIA driver supports CUDA " + version(driver) + " but Loupe was built with CUDA " +
               version(runtime) + ": update the driver";
    if (e == cudaErrorNoDevice) return "no CUDA GPU found (driver for CUDA " + version(driver) + ")";
    return "the CUDA driver cannot be used: " + cuda::describe(e);
}

Registry build()
{
    Registry r;
    int count = 0;
    const cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess || count == 0) {
        (void)cudaGetLastError();
        r.status = driverProblem(e == cudaSuccess ? cudaErrorNoDevice : e);
        return r;
    }
    int driver = 0;
    cudaDriverGetVersion(&driver);
    // The profiler's state must outlive the devices, whose pools report to it until they are destroyed
    // at exit: touching it here constructs it first, so it is destroyed after them.
    Profiler::memory("cuda", 0);
    for (int i = 0; i < count; ++i) {
        cudaDeviceProp p{};
        if (cudaGetDeviceProperties(&p, i) != cudaSuccess) {
            (void)cudaGetLastError();
            continue;
        }
        CudaDeviceInfo info;
        info.index = i;
        info.name = p.name;
        info.computeCapability = std::to_string(p.major) + "." + std::to_string(p.minor);
        info.driver = version(driver);
        info.memoryBytes = p.totalGlobalMem;
        r.devices.push_back(std::make_unique<cuda::CudaDevice>(info));
    }
    if (r.devices.empty()) {
        r.status = "CUDA lists " + std::to_string(count) + " GPUs but none could be queried";
        return r;
    }
    const std::string n = std::to_string(r.devices.size()) + (r.devices.size() == 1 ? " GPU" : " GPUs");
    r.selected = 0;
    if (const char* force = std::getenv("LOUPE_CUDA_DEVICE"); force && *force) {
        const std::string want = force;
        r.selected = -1;
        if (std::all_of(want.begin(), want.end(), [](unsigned char c) { return std::isdigit(c); }))
            for (size_t i = 0; i < r.devices.size(); ++i)
                if (std::to_string(r.devices[i]->info().index) == want) r.selected = int(i);
        if (r.selected < 0) {
            r.status = "LOUPE_CUDA_DEVICE=" + want + " matches none of the " + n;
            return r;
        }
    }
    std::string why;
    if (!cuda::cublas(&why)) {
        r.status = n + " found, but " + why;
        r.selected = -1;
        return r;
    }
    r.status = n + ", using " + r.devices[size_t(r.selected)]->info().name + " (CUDA driver " +
               version(driver) + ", " + cuda::cublas()->library + ")";
    return r;
}

const Registry& registry()
{
    static const Registry reg = build();
    return reg;
}

} // namespace

std::vector<CudaDeviceInfo> cudaDeviceInfos()
{
    std::vector<CudaDeviceInfo> out;
    if (disabled()) return out;
    const Registry& r = registry();
    for (size_t i = 0; i < r.devices.size(); ++i) {
        out.push_back(r.devices[i]->info());
        out.back().selected = int(i) == r.selected;
    }
    return out;
}

std::string cudaStatus()
{
    // Checked on every call (the driver is never touched while it is set).
    if (disabled()) return "disabled by LOUPE_CUDA_DISABLE=" + std::string(std::getenv("LOUPE_CUDA_DISABLE"));
    return registry().status;
}

Device* cudaDevice()
{
    if (disabled()) return nullptr;
    const Registry& r = registry();
    return r.selected < 0 ? nullptr : r.devices[size_t(r.selected)].get();
}

} // namespace loupe::compute
