// SPDX-License-Identifier: MIT
#pragma once

#include "compute/backend/cuda/dtensor.h"
#include "compute/backend/cuda/scratch.h"
#include "compute/graph/graph.h"

#include <cublas_v2.h>

namespace loupe::compute::cuda {

// What an op needs while a graph is enqueued: the backend's stream and cuBLAS handle, per-run scratch.
struct Exec
{
    cudaStream_t stream = nullptr;
    cublasHandle_t blas = nullptr;
    Scratch* scratch = nullptr;
};

// A linear layer's weight [N, K]: f32 always, and packed f16 or bf16 when the layer runs at reduced
// precision (the GEMM then rounds its input to that type too and accumulates in f32).
struct LinearWeight
{
    DTensor f32;
    const void* half = nullptr;
    bool bf16 = false;
};

// The ops, one file per family (op_elementwise.cpp, op_rows.cpp, op_gemm.cpp), with the CPU backend's
// semantics. `out` is packed unless said otherwise; inputs may be any view.
DTensor packed(Exec& x, const DTensor& t);                 // t itself, or a packed copy in scratch
void copy(Exec& x, const DTensor& out, const DTensor& in); // `out` may be strided (concat)
void binary(Exec& x, Op op, const DTensor& out, const DTensor& a, const DTensor& b);
void activation(Exec& x, const DTensor& out, const DTensor& in, Activation act);
void concat(Exec& x, const DTensor& out, const DTensor& a, const DTensor& b, int64_t dim);
void softmax(Exec& x, const DTensor& out, const DTensor& in, float scale);
void layerNorm(Exec& x, const DTensor& out, const DTensor& in, const DTensor& w, const DTensor& b, float eps);
void bicubic(Exec& x, const DTensor& out, const DTensor& in, double scaleH, double scaleW);
void linear(Exec& x, const DTensor& out, const DTensor& in, const LinearWeight& w, const DTensor* bias,
            Activation act, const DTensor* residual);
void matmul(Exec& x, const DTensor& out, const DTensor& a, const DTensor& b);
void patchEmbed(Exec& x, const DTensor& out, const DTensor& px, const LinearWeight& w, const DTensor* bias,
                int64_t patch);

} // namespace loupe::compute::cuda
