// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <vector>

namespace loupe::compute::sam {

// SAM's windowed attention with decomposed relative positions as one fused pass on AVX-512: every
// (window, head) pair and block of query rows is one task; the scores of a block never leave the
// thread's cache, the relative terms are small per-row GEMMs added in the softmax pass, and P V is
// scaled by the softmax sums as it is stored. Same contract as windowAttention (sam_kernels.h) on raw
// packed buffers: qkv [windows, side*side, 3D], relH/relW [side, side, D/heads] or null, ctx
// [windows, side*side, D]. Returns false, touching nothing, where it does not apply: no AVX-512 on this
// CPU, a head size that is not a multiple of 16, or the fusion/SIMD kill switches set. `workspace`, when
// given, holds the packed K^T, V and relative terms and is kept for the next call (the encoder passes
// one for all its layers: fresh pages cost a fault each); otherwise they are allocated per call.
bool fusedWindowAttention(const float* qkv, int64_t windows, int64_t side, int64_t heads, int64_t D,
                          const float* relH, const float* relW, float* ctx,
                          std::vector<float>* workspace = nullptr);

} // namespace loupe::compute::sam
