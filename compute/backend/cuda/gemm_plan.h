// SPDX-License-Identifier: MIT
#pragma once

#include "compute/backend/cuda/dtensor.h"

#include <cublas_v2.h>
#include <vector>

namespace loupe::compute::cuda {

// One (up to two batch dims) row-major product C[b0, b1] = A[b0, b1] (M x K) x B[b0, b1] (K x N) with
// element strides; batch strides may be 0 (broadcast). C is packed within a batch (row stride cRow).
struct Gemm
{
    int64_t batch[2] = {1, 1};
    int64_t M = 0, N = 0, K = 0;
    const void* a = nullptr;
    int64_t aRow = 0, aCol = 1, aBatch[2] = {0, 0};
    const void* b = nullptr;
    int64_t bRow = 0, bCol = 1, bBatch[2] = {0, 0};
    float* c = nullptr;
    int64_t cRow = 0, cBatch[2] = {0, 0};
    cudaDataType type = CUDA_R_32F; // of A and B
};

// One cuBLAS call (column-major) of a plan: C^T (N x M) = op(first) (N x K) * op(second) (K x M), where
// `first` reads our B and `second` our A in place. Offsets are in elements from Gemm::b, ::a and ::c;
// batch 1 is a plain GemmEx, more a strided-batched one.
struct BlasCall
{
    cublasOperation_t opFirst = CUBLAS_OP_N, opSecond = CUBLAS_OP_N;
    int64_t m = 0, n = 0, k = 0;
    int64_t ldFirst = 0, ldSecond = 0, ldc = 0;
    int64_t strideFirst = 0, strideSecond = 0, strideC = 0;
    int64_t batch = 1;
    int64_t offFirst = 0, offSecond = 0, offC = 0;
};

// The calls that compute `g`: one where the batch dims fold into one (always for packed operands), one
// per outer batch otherwise; none for an empty product. Throws when an operand has neither a unit row nor
// a unit column stride (pack it first: gemmReadable).
std::vector<BlasCall> planGemm(const Gemm& g);

// Whether cuBLAS reads the last two dims of `t` in place.
bool gemmReadable(const DTensor& t);

// The batched product out = a x b of 2-D to 4-D operands (batch dims right-aligned, size-1 dims
// broadcast), as the CPU's matmul maps it; a and b must be gemmReadable.
Gemm matmulProblem(const DTensor& out, const DTensor& a, const DTensor& b);

} // namespace loupe::compute::cuda
