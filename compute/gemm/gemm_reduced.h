// SPDX-License-Identifier: MIT
#pragma once

#include "compute/gemm/gemm.h"

#include <cstdint>
#include <memory>

// The reduced-precision packers behind packLinearWeight(..., WeightFormat), and their shared helpers.
namespace loupe::compute {

// Whether oneDNN has a bf16 matmul kernel other than its reference one on this CPU (probed once).
bool bf16KernelAvailable();
// Null when oneDNN is off or offers only its reference kernel for bf16 on this CPU.
std::shared_ptr<const PackedWeight> packBf16Weight(const float* w, int64_t N, int64_t K, int64_t rowStride);
// Quantises per the int8 scheme (compute/quantize/int8_scheme.h); never null.
std::shared_ptr<const PackedWeight> packInt8Weight(const float* w, int64_t N, int64_t K, int64_t rowStride,
                                                   int64_t groupSize);

// Rows of A (element (m, k) at a[m * aRow + k * aCol]) rounded to bf16 into dst [M, K].
void roundRowsToBf16(const float* a, int64_t M, int64_t K, int64_t aRow, int64_t aCol, uint16_t* dst);

} // namespace loupe::compute
