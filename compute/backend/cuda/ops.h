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

// The ops, one file per family (op_elementwise.cpp, op_rows.cpp, op_gemm.cpp, op_attention.cpp,
// op_backward.cpp), with the CPU backend's
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
// Fused attention (op_attention.cpp); head dims past kAttentionMaxHead take the unfused path.
void attention(Exec& x, const DTensor& out, const DTensor& q, const DTensor& k, const DTensor& v,
               const DTensor* bias, float scale);
// The backward ops (op_backward.cpp).
void softmaxGrad(Exec& x, const DTensor& out, const DTensor& y, const DTensor& gy, float scale);
void layerNormGrad(Exec& x, const DTensor& out, const DTensor& in, const DTensor* w, const DTensor& gy,
                   float eps);
void actGrad(Exec& x, const DTensor& out, const DTensor& z, const DTensor& gy, Activation act);
void bicubicGrad(Exec& x, const DTensor& out, const DTensor& gy, double scaleH, double scaleW);
void col2im(Exec& x, const DTensor& out, const DTensor& gcols, int64_t patch);
void sumTo(Exec& x, const DTensor& out, const DTensor& in);
void embed(Exec& x, const DTensor& out, const DTensor& in, const Shape& strides, int64_t offset);

} // namespace loupe::compute::cuda
