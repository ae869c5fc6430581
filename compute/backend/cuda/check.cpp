// SPDX-License-Identifier: MIT
#include "compute/backend/cuda/check.h"

#include "compute/error.h"

namespace loupe::compute::cuda {

std::string describe(cudaError_t e)
{
    std::string kind;
    switch (e) {
    case cudaErrorMemoryAllocation:
        kind = "out of device memory";
        break;
    case cudaErrorLaunchFailure:
    case cudaErrorIllegalAddress:
    case cudaErrorHardwareStackError:
    case cudaErrorIllegalInstruction:
    case cudaErrorMisalignedAddress:
    case cudaErrorInvalidAddressSpace:
    case cudaErrorInvalidPc:
    case cudaErrorECCUncorrectable:
    case cudaErrorLaunchTimeout:
    case cudaErrorDevicesUnavailable:
    case cudaErrorUnknown:
        // Sticky errors: the context is unusable until the process restarts.
        kind = "the device was lost";
        break;
    case cudaErrorInsufficientDriver:
    case cudaErrorNoDevice:
    case cudaErrorSystemDriverMismatch:
    case cudaErrorCompatNotSupportedOnDevice:
        kind = "no usable CUDA driver";
        break;
    default:
        kind = "CUDA error";
    }
    return kind + " (" + cudaGetErrorName(e) + ": " + cudaGetErrorString(e) + ")";
}

void fail(cudaError_t e, const std::string& what)
{
    // Clears a non-sticky error so the next call does not report it again.
    (void)cudaGetLastError();
    throw Error("cuda", what + ": " + describe(e));
}

} // namespace loupe::compute::cuda
