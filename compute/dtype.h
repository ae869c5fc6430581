// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace loupe::compute {

// Element types the engine stores. Checkpoint readers map their own type names onto these.
// I8 holds quantised weights (with a scale tensor beside them; see compute/io/quantized_weights.h).
enum class DType : uint8_t { F32, F16, BF16, I32, I64, U8, F64, Bool, I8 };

size_t dtypeSize(DType t);
std::string_view dtypeName(DType t);              // "f32", "f16", ...
std::optional<DType> dtypeFromSafetensors(std::string_view s); // "F32", "BF16", ... ; nullopt if unknown
bool isFloating(DType t);

// Scalar conversions used by the CPU paths (round-to-nearest-even, as PyTorch does).
float halfToFloat(uint16_t h);
uint16_t floatToHalf(float f);
inline float bf16ToFloat(uint16_t b)
{
    uint32_t u = uint32_t(b) << 16;
    float f;
    __builtin_memcpy(&f, &u, 4);
    return f;
}
uint16_t floatToBf16(float f);

} // namespace loupe::compute
