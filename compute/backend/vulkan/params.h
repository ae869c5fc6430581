// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>

namespace loupe::compute::vk {

// Host mirrors of the shaders' push-constant blocks (std430: 4-byte scalars packed, ivec4 16-aligned).

struct ElementwiseParams // shaders/elementwise_params.glsl
{
    int32_t shape[4], sa[4], sb[4], so[4];
    uint32_t n, offA, offB, offO, mode;
};
static_assert(sizeof(ElementwiseParams) == 84);

struct RowParams // shaders/row_params.glsl
{
    int32_t rowShape[4], rowStride[4];
    int32_t d, strideLast;
    uint32_t rows, offX, offO, offW, offB;
    int32_t sw, sb;
    float f0;
};
static_assert(sizeof(RowParams) == 72);

struct GradRowParams // shaders/grad_row_params.glsl
{
    int32_t rowShape[4], strideA[4], strideB[4];
    int32_t d, lastA, lastB;
    uint32_t rows, offA, offB, offO, offW;
    int32_t sw;
    uint32_t hasW;
    float f0;
};
static_assert(sizeof(GradRowParams) == 92);

struct GemmParams // shaders/gemm.comp
{
    int32_t M, N, K;
    int32_t aRow, aCol, bRow, bCol;
    int32_t batch1;
    int32_t aB0, aB1, bB0, bB1, cB0, cB1;
    int32_t cRow;
    uint32_t offA, offB, offC, offBias, offR;
    int32_t rRow, rB0, rB1;
    uint32_t flags;
    int32_t patchGw, patchSize;
};
static_assert(sizeof(GemmParams) == 104);

constexpr uint32_t kGemmBias = 256, kGemmResidual = 512, kGemmIm2col = 1024;
constexpr uint32_t kGemmTile = 64;

} // namespace loupe::compute::vk
