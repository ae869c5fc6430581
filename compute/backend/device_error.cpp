// SPDX-License-Identifier: MIT
#include "compute/backend/device_error.h"

namespace loupe::compute {

const char* deviceFailureName(DeviceFailure f)
{
    switch (f) {
    case DeviceFailure::NoDriver:
        return "no driver";
    case DeviceFailure::Creation:
        return "device creation";
    case DeviceFailure::OutOfMemory:
        return "out of memory";
    case DeviceFailure::Lost:
        return "device lost";
    case DeviceFailure::Other:
        break;
    }
    return "device error";
}

} // namespace loupe::compute
