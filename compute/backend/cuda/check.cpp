// SPDX-License-Identifier: MIT
#include "compute/backend/cuda/check.h"

#include "compute/error.h"

namespace loupe::compute::cuda {

namespace {

DeviceFailure failureOf(cudaError_t e)
{
    switch (e) {
    case cudaErrorMemoryAllocation:
        return DeviceFailure::OutOfMemory;
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
        return DeviceFailure::Lost;
    case cudaErrorInsufficientDriver:
    case cudaErrorNoDevice:
    case cudaErrorSystemDriverMismatch:
    case cudaErrorCompatNotSupportedOnDevice:
        return DeviceFailure::NoDriver;
    default:
        return DeviceFailure::Other;
    }
}

} // namespace

std::string describe(cudaError_t e)
{
    std::string kind;
    switch (failureOf(e)) {
    case DeviceFailure::OutOfMemory:
        kind = "out of device memory";
        break;
    case DeviceFailure::Lost:
        // Sticky errors: the context is unusable until the process restarts.
        kind = "the device was lost";
        break;
    case DeviceFailure::NoDriver:
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
    throw DeviceError(failureOf(e), "cuda", what + ": " + describe(e));
}

void unsupported(const std::string& what)
{
    throw DeviceError(DeviceFailure::Other, "cuda", what);
}

} // namespace loupe::compute::cuda
