// SPDX-License-Identifier: MIT
#pragma once

#include "compute/backend/device_error.h"

#include <cuda_runtime.h>
#include <string>

namespace loupe::compute::cuda {

// Every CUDA failure becomes a DeviceError (compute/backend/device_error.h) whose message starts with
// "cuda: " and whose failure() says what kind it was (out of memory, device lost, no driver), so the
// scheduler redoes the work on the CPU and tells the user why. `what` names the operation ("softmax",
// "upload of input 'pixel_values'").
[[noreturn]] void fail(cudaError_t e, const std::string& what);
// What the backend cannot do that the CPU can (a view with too many dims, a GEMM past 32-bit sizes):
// a DeviceError too, so the work still runs.
[[noreturn]] void unsupported(const std::string& what);
inline void check(cudaError_t e, const char* what)
{
    if (e != cudaSuccess) fail(e, what);
}
inline void check(cudaError_t e, const std::string& what)
{
    if (e != cudaSuccess) fail(e, what);
}
// One phrase for an error code: "out of device memory", "the device was lost", ...
std::string describe(cudaError_t e);

} // namespace loupe::compute::cuda
