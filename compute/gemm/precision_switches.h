// SPDX-License-Identifier: MIT
#pragma once

namespace loupe::compute {

// Kill switches of the reduced-precision GEMMs, read once from the environment; tests may change them.
//   LOUPE_DISABLE_BF16=1       bf16 requests pack f32 weights instead
//   LOUPE_DISABLE_INT8_VNNI=1  int8 weights multiply by dequantising on the fly instead of quantising
//                              the activations per row and running oneDNN's u8 x s8 kernels (AMX/VNNI)
struct PrecisionSwitches
{
    bool bf16 = true;
    bool int8Vnni = true;
};
PrecisionSwitches& precisionSwitches();

} // namespace loupe::compute
