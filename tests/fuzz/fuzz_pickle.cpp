// SPDX-License-Identifier: MIT
// The restricted unpickler on arbitrary bytes: it returns a value or throws compute::Error, never crashes,
// never recurses without bound, never allocates without bound.
#include "compute/error.h"
#include "compute/io/pickle.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    try {
        const auto v =
            loupe::compute::unpickle(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.pkl");
        (void)v;
    } catch (const loupe::compute::Error&) {
    }
    return 0;
}
