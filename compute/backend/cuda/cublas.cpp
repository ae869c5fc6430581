// SPDX-License-Identifier: MIT
#include "compute/backend/cuda/cublas.h"

#include "compute/backend/device_error.h"

#include <cstdlib>
#include <dlfcn.h>
#include <vector>

namespace loupe::compute::cuda {

namespace {

std::vector<std::string> candidates(const std::string& stem)
{
    std::vector<std::string> out{stem + ".so.13", stem + ".so"};
    for (const char* var : {"CUDA_HOME", "CUDA_PATH"})
        if (const char* dir = std::getenv(var); dir && *dir)
            out.push_back(std::string(dir) + "/lib64/" + stem + ".so.13");
    out.push_back("/usr/local/cuda/lib64/" + stem + ".so.13");
    return out;
}

// The first candidate that opens; `errors` collects why the others did not.
void* open(const std::string& stem, int flags, std::string& path, std::string& errors)
{
    for (const std::string& name : candidates(stem)) {
        if (void* h = dlopen(name.c_str(), flags)) {
            path = name;
            return h;
        }
        if (const char* e = dlerror()) errors += std::string(errors.empty() ? "" : "; ") + e;
    }
    return nullptr;
}

template <typename F> bool bind(void* lib, const char* symbol, F& fn, std::string& missing)
{
    fn = reinterpret_cast<F>(dlsym(lib, symbol));
    if (!fn) missing += std::string(missing.empty() ? "" : ", ") + symbol;
    return fn != nullptr;
}

struct Loaded
{
    CublasApi api;
    bool ok = false;
    std::string why;
};

Loaded load()
{
    Loaded l;
    std::string ltPath, errors;
    // cuBLASLt first and global: libcublas needs it, and a copy found through CUDA_HOME is then already
    // loaded under its soname when libcublas asks for it.
    if (!open("libcublasLt", RTLD_NOW | RTLD_GLOBAL, ltPath, errors)) {
        l.why = "cuBLASLt could not be loaded (" + errors + ")";
        return l;
    }
    errors.clear();
    void* lib = open("libcublas", RTLD_NOW | RTLD_LOCAL, l.api.library, errors);
    if (!lib) {
        l.why = "cuBLAS could not be loaded (" + errors + ")";
        return l;
    }
    std::string missing;
    bind(lib, "cublasCreate_v2", l.api.create, missing);
    bind(lib, "cublasDestroy_v2", l.api.destroy, missing);
    bind(lib, "cublasSetStream_v2", l.api.setStream, missing);
    bind(lib, "cublasSetWorkspace_v2", l.api.setWorkspace, missing);
    bind(lib, "cublasSetMathMode", l.api.setMathMode, missing);
    bind(lib, "cublasGetVersion_v2", l.api.getVersion, missing);
    bind(lib, "cublasGetStatusString", l.api.statusString, missing);
    bind(lib, "cublasGemmEx", l.api.gemmEx, missing);
    bind(lib, "cublasGemmStridedBatchedEx", l.api.gemmStridedBatchedEx, missing);
    if (!missing.empty()) {
        l.why = l.api.library + " lacks " + missing + " (cuBLAS 12 or newer is needed)";
        return l;
    }
    l.ok = true;
    return l;
}

} // namespace

const CublasApi* cublas(std::string* why)
{
    static const Loaded loaded = load();
    if (!loaded.ok && why) *why = loaded.why;
    return loaded.ok ? &loaded.api : nullptr;
}

void checkBlas(cublasStatus_t s, const char* what)
{
    if (s == CUBLAS_STATUS_SUCCESS) return;
    const CublasApi* api = cublas();
    const std::string text = api ? api->statusString(s) : "status " + std::to_string(int(s));
    const DeviceFailure failure = s == CUBLAS_STATUS_ALLOC_FAILED       ? DeviceFailure::OutOfMemory
                                  : s == CUBLAS_STATUS_EXECUTION_FAILED ? DeviceFailure::Lost
                                  : s == CUBLAS_STATUS_NOT_INITIALIZED  ? DeviceFailure::Creation
                                                                        : DeviceFailure::Other;
    const char* kind = failure == DeviceFailure::OutOfMemory ? "out of device memory"
                       : failure == DeviceFailure::Lost      ? "the device was lost or a kernel failed"
                                                             : "cuBLAS error";
    throw DeviceError(failure, "cuda", std::string(what) + ": " + kind + " (" + text + ")");
}

} // namespace loupe::compute::cuda
