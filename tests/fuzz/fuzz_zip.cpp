// SPDX-License-Identifier: MIT
// A whole pytorch_model.bin: zip directory, pickle and tensor views. Views must lie inside the input.
#include "compute/error.h"
#include "compute/io/torch_bin.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    try {
        const auto c = loupe::compute::readTorchBin(data, size, "fuzz.bin");
        unsigned sum = 0;
        for (const auto& t : c.tensors) {
            const auto* p = static_cast<const uint8_t*>(t.data);
            for (size_t i = 0; i < t.nbytes; ++i)
                sum += p[i];
        }
        volatile unsigned sink = sum;
        (void)sink;
    } catch (const loupe::compute::Error&) {
    }
    return 0;
}
