// SPDX-License-Identifier: MIT
// Any byte string either parses into views that lie inside it or throws compute::Error; touching every
// byte of every view lets AddressSanitizer catch a view that points outside the input.
#include "compute/error.h"
#include "compute/io/safetensors.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    try {
        const auto h = loupe::compute::parseSafetensors(data, size, "fuzz.safetensors");
        unsigned sum = 0;
        for (const auto& t : h.tensors) {
            const auto* p = static_cast<const uint8_t*>(t.data);
            for (size_t i = 0; i < t.nbytes; ++i)
                sum += p[i];
            if (t.nbytes < 4096) (void)loupe::compute::toF32(t);
        }
        volatile unsigned sink = sum;
        (void)sink;
    } catch (const loupe::compute::Error&) {
    }
    return 0;
}
