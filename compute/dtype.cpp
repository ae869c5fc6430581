// SPDX-License-Identifier: MIT
#include "compute/dtype.h"

#include <cmath>
#include <cstring>

namespace loupe::compute {

size_t dtypeSize(DType t)
{
    switch (t) {
    case DType::F32: case DType::I32: return 4;
    case DType::F16: case DType::BF16: return 2;
    case DType::I64: case DType::F64: return 8;
    case DType::U8: case DType::Bool: case DType::I8: return 1;
    }
    return 0;
}

std::string_view dtypeName(DType t)
{
    switch (t) {
    case DType::F32: return "f32";
    case DType::F16: return "f16";
    case DType::BF16: return "bf16";
    case DType::I32: return "i32";
    case DType::I64: return "i64";
    case DType::U8: return "u8";
    case DType::F64: return "f64";
    case DType::Bool: return "bool";
    case DType::I8: return "i8";
    }
    return "?";
}

std::optional<DType> dtypeFromSafetensors(std::string_view s)
{
    if (s == "F32") return DType::F32;
    if (s == "F16") return DType::F16;
    if (s == "BF16") return DType::BF16;
    if (s == "I32") return DType::I32;
    if (s == "I64") return DType::I64;
    if (s == "U8") return DType::U8;
    if (s == "F64") return DType::F64;
    if (s == "BOOL") return DType::Bool;
    if (s == "I8") return DType::I8;
    return std::nullopt;
}

bool isFloating(DType t)
{
    return t == DType::F32 || t == DType::F16 || t == DType::BF16 || t == DType::F64;
}

float halfToFloat(uint16_t h)
{
    const uint32_t sign = uint32_t(h & 0x8000) << 16;
    uint32_t exp = (h >> 10) & 0x1f;
    uint32_t mant = h & 0x3ff;
    uint32_t bits;
    if (exp == 0) {
        if (mant == 0) {
            bits = sign;
        } else { // subnormal: renormalise
            exp = 127 - 15 + 1;
            while (!(mant & 0x400)) {
                mant <<= 1;
                --exp;
            }
            mant &= 0x3ff;
            bits = sign | (exp << 23) | (mant << 13);
        }
    } else if (exp == 0x1f) {
        bits = sign | 0x7f800000u | (mant << 13);
    } else {
        bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
    }
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

uint16_t floatToHalf(float f)
{
    uint32_t x;
    std::memcpy(&x, &f, 4);
    const uint32_t sign = (x >> 16) & 0x8000;
    const uint32_t absx = x & 0x7fffffff;
    if (absx >= 0x7f800000) // inf or nan
        return uint16_t(sign | 0x7c00 | (absx > 0x7f800000 ? 0x200 : 0));
    if (absx >= 0x477ff000) // overflows to inf after rounding
        return uint16_t(sign | 0x7c00);
    if (absx < 0x38800000) { // subnormal or zero in half
        if (absx < 0x33000000)
            return uint16_t(sign);
        const uint32_t e = absx >> 23;
        const uint32_t m = (absx & 0x7fffff) | 0x800000;
        // Exact reference: value = m * 2^(e-150); half subnormal unit = 2^-24.
        const int rshift = int(150 - 24) - int(e); // = 126 - e
        uint32_t q = m >> rshift;
        const uint32_t rem = m & ((1u << rshift) - 1);
        const uint32_t halfway = 1u << (rshift - 1);
        if (rem > halfway || (rem == halfway && (q & 1)))
            ++q;
        return uint16_t(sign | q);
    }
    uint32_t bits = ((absx >> 13) - ((127 - 15) << 10));
    const uint32_t rem = absx & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (bits & 1)))
        ++bits;
    return uint16_t(sign | bits);
}

uint16_t floatToBf16(float f)
{
    uint32_t x;
    std::memcpy(&x, &f, 4);
    if ((x & 0x7fffffff) > 0x7f800000)
        return uint16_t((x >> 16) | 0x40); // quiet NaN
    const uint32_t rounding = 0x7fff + ((x >> 16) & 1);
    return uint16_t((x + rounding) >> 16);
}

} // namespace loupe::compute
