// SPDX-License-Identifier: MIT
#pragma once

#include "compute/error.h"

#include <string>

namespace loupe::compute {

// How a device failed. Unlike a plain Error (bad input: the same input fails on every device), a
// DeviceError means the input may well run elsewhere: the scheduler redoes the work on the CPU.
enum class DeviceFailure {
    NoDriver,    // no loader or driver, or the driver refused the instance
    Creation,    // the logical device, a queue or a pool could not be created
    OutOfMemory, // device or host memory for the device ran out
    Lost,        // the driver lost the device (reset, hang, removed)
    Other,       // any other driver error
};
const char* deviceFailureName(DeviceFailure f); // "no driver", "device creation", "out of memory", ...

class DeviceError : public Error
{
public:
    DeviceError(DeviceFailure failure, const std::string& where, const std::string& problem)
        : Error(where, problem), failure_(failure)
    {
    }
    DeviceFailure failure() const { return failure_; }

private:
    DeviceFailure failure_;
};

} // namespace loupe::compute
