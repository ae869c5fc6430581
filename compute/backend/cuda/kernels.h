// SPDX-License-Identifier: MIT
#pragma once

// The CUDA kernels' launchers, shared by the .cu files (compiled by nvcc) and the backend's C++ (compiled
// by the host compiler): plain types only, so nvcc never parses the engine's headers. Every launcher
// enqueues on `stream` and returns the launch error (cudaSuccess when it was queued).
#include <cstdint>
#include <cuda_runtime.h>

namespace loupe::compute::cuda {

constexpr int kMaxDims = 8;

// One shape seen through up to three sets of element strides (output, a, b; 0 broadcasts), with dims
// already folded where every operand allows it (layout.cpp).
struct Layout
{
    int nd = 0;
    int64_t n = 0; // elements
    int64_t shape[kMaxDims] = {};
    int64_t so[kMaxDims] = {}, sa[kMaxDims] = {}, sb[kMaxDims] = {};
};

enum class Elementwise : int { Add, Sub, Mul, Copy };

// out = a (op) b elementwise, any strides on every operand (Copy ignores b).
cudaError_t launchBinary(cudaStream_t stream, Elementwise op, float* out, const float* a, const float* b,
                         const Layout& layout);
// out = act(x); `act` is the engine's Activation value (None, GeluErf, GeluTanh, QuickGelu, Relu, Silu,
// Tanh, Sigmoid).
cudaError_t launchActivation(cudaStream_t stream, int act, float* out, const float* x, const Layout& layout);
// The GEMM epilogue on a packed [rows, n] result: c = act(c + bias) + residual (bias [n] and residual
// [rows, n] packed, either may be null).
cudaError_t launchEpilogue(cudaStream_t stream, float* c, int64_t rows, int64_t n, const float* bias, int act,
                           const float* residual);
// Packed f32 -> f16 or bf16, round to nearest even (the activations of a reduced-precision GEMM).
cudaError_t launchToHalf(cudaStream_t stream, void* dst, const float* src, int64_t n, bool bf16);

// Row ops over packed [rows, d].
cudaError_t launchSoftmax(cudaStream_t stream, float* out, const float* x, int64_t rows, int64_t d,
                          float scale);
cudaError_t launchLayerNorm(cudaStream_t stream, float* out, const float* x, const float* w, const float* b,
                            int64_t rows, int64_t d, float eps);

// Patches of packed [B, C, H, W] pixels as rows of C*P*P values in (c, ky, kx) order: [B*gh*gw, C*P*P].
cudaError_t launchIm2col(cudaStream_t stream, float* cols, const float* px, int64_t B, int64_t C, int64_t H,
                         int64_t W, int64_t P);
// torch's bicubic (align_corners=False, A = -0.75) of packed [planes, H, W] planes to [planes, OH, OW];
// sh, sw are the source steps per output pixel.
cudaError_t launchBicubic(cudaStream_t stream, float* out, const float* x, int64_t planes, int64_t H,
                          int64_t W, int64_t OH, int64_t OW, float sh, float sw);

// Host twins of the elementwise and image kernels: the same per-element code (__host__ __device__) run
// in a loop on the CPU, so their indexing and arithmetic are tested where there is no GPU.
void hostBinary(Elementwise op, float* out, const float* a, const float* b, const Layout& layout);
void hostActivation(int act, float* out, const float* x, const Layout& layout);
void hostEpilogue(float* c, int64_t rows, int64_t n, const float* bias, int act, const float* residual);
void hostIm2col(float* cols, const float* px, int64_t B, int64_t C, int64_t H, int64_t W, int64_t P);
void hostSoftmax(float* out, const float* x, int64_t rows, int64_t d, float scale);
void hostLayerNorm(float* out, const float* x, const float* w, const float* b, int64_t rows, int64_t d,
                   float eps);
void hostBicubic(float* out, const float* x, int64_t planes, int64_t H, int64_t W, int64_t OH, int64_t OW,
                 float sh, float sw);

} // namespace loupe::compute::cuda
