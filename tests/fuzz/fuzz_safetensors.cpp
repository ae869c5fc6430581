// SPDX-License-Identifier: MIT
// Any byte string either parses into views that lie inside it or throws compute::Error; touching every
// byte of every view lets AddressSanitizer catch a view that points outside the input. Non-finite
// values are looked for as `model info` does. Inputs starting with '{' are the config.json beside the
// weights: it parses within its limits (num_labels, id2label) or throws Error, quickly.
#include "compute/error.h"
#include "compute/io/config.h"
#include "compute/io/safetensors.h"
#include "compute/models/finite_outputs.h"

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>

namespace {

void fuzzConfig(const uint8_t* data, size_t size)
{
    const nlohmann::json j = nlohmann::json::parse(data, data + size, nullptr, false);
    if (j.is_discarded()) return;
    try {
        const auto c = loupe::compute::ViTConfig::fromJson(j, "fuzz/config.json");
        if (c.numLabels() > loupe::compute::kMaxNumLabels) __builtin_trap();
    } catch (const loupe::compute::Error&) {
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size > 0 && data[0] == '{') {
        fuzzConfig(data, size);
        return 0;
    }
    try {
        const auto h = loupe::compute::parseSafetensors(data, size, "fuzz.safetensors");
        unsigned sum = 0;
        for (const auto& t : h.tensors) {
            const auto* p = static_cast<const uint8_t*>(t.data);
            for (size_t i = 0; i < t.nbytes; ++i)
                sum += p[i];
            if (t.nbytes < 4096) {
                const auto v = loupe::compute::toF32(t);
                sum += loupe::compute::allFinite(v.data(), v.size()) ? 0 : 1;
            }
        }
        volatile unsigned sink = sum;
        (void)sink;
    } catch (const loupe::compute::Error&) {
    }
    return 0;
}
