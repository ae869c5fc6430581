// SPDX-License-Identifier: MIT
#pragma once

#include <cuda_runtime.h>
#include <string>

namespace loupe::compute::cuda {

// Every CUDA failure becomes a compute Error whose message starts with "cuda: " and says what kind of
// failure it was (out of device memory, device lost, no driver), so the scheduler can fall back to the
// CPU and tell the user why. `what` names the operation ("softmax", "upload of input 'pixel_values'").
[[noreturn]] void fail(cudaError_t e, const std::string& what);
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
