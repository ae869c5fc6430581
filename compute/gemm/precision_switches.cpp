// SPDX-License-Identifier: MIT
#include "compute/gemm/precision_switches.h"

#include <cstdlib>
#include <cstring>

namespace loupe::compute {

namespace {
bool set(const char* name)
{
    const char* v = std::getenv(name);
    return v && *v && std::strcmp(v, "0") != 0;
}
} // namespace

PrecisionSwitches& precisionSwitches()
{
    static PrecisionSwitches s{!set("LOUPE_DISABLE_BF16"), !set("LOUPE_DISABLE_INT8_VNNI")};
    return s;
}

} // namespace loupe::compute
