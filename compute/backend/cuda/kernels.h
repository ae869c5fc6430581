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

// Fused attention: out [B,H,M,Dv] packed = softmax(scale * (q k^T + bias)) v, q [B,H,M,D], k [B,H,N,D],
// v [B,H,N,Dv] read through their element strides, bias (may be null) through broadcast strides (0 on
// broadcast dims). K/V go through shared memory a tile of keys at a time, the softmax is online (running
// max and sum in f32) and the probabilities are never stored. D and Dv at most kAttentionMaxHead.
constexpr int kAttentionMaxHead = 128;
struct AttentionShape
{
    int64_t B = 0, H = 0, M = 0, N = 0, D = 0, Dv = 0;
    int64_t sq[4] = {}, sk[4] = {}, sv[4] = {}, sbias[4] = {};
    float scale = 1;
};
cudaError_t launchAttention(cudaStream_t stream, float* out, const float* q, const float* k, const float* v,
                            const float* bias, const AttentionShape& s);

// Backward row ops over packed [rows, d]: gx = scale * y * (gy - sum(gy * y)); LayerNorm's input
// gradient (w may be null).
cudaError_t launchSoftmaxGrad(cudaStream_t stream, float* gx, const float* y, const float* gy, int64_t rows,
                              int64_t d, float scale);
cudaError_t launchLayerNormGrad(cudaStream_t stream, float* gx, const float* x, const float* w,
                                const float* gy, int64_t rows, int64_t d, float eps);
// gz = gy * act'(z) over n packed elements (`act` as launchActivation).
cudaError_t launchActGrad(cudaStream_t stream, int act, float* gz, const float* z, const float* gy,
                          int64_t n);
// Adjoint of launchBicubic: gx [planes, H, W] from gy [planes, OH, OW], one thread per input pixel
// gathering the output pixels whose taps reach it (no atomics: the same sums in the same order every run).
cudaError_t launchBicubicGrad(cudaStream_t stream, float* gx, const float* gy, int64_t planes, int64_t H,
                              int64_t W, int64_t OH, int64_t OW, float sh, float sw);
// Adjoint of launchIm2col: pixels [B, C, H, W] from columns [B*gh*gw, C*P*P]; pixels outside the patch
// grid get 0.
cudaError_t launchCol2im(cudaStream_t stream, float* px, const float* cols, int64_t B, int64_t C, int64_t H,
                         int64_t W, int64_t P);
// out (packed) = x summed over the reduced dims, deterministically: each output's elements split into
// sumToSplits() ranges fixed by the shapes, each summed in index order (f64), the partials added in
// order. `kept` walks the output's elements through x's strides, `reduced` the elements summed into
// each one (Layout::so holds x's strides in both). `partial` holds sumToSplits * kept.n doubles (may be
// null when sumToSplits is 1).
int64_t sumToSplits(const Layout& kept, const Layout& reduced);
cudaError_t launchSumTo(cudaStream_t stream, float* out, const float* x, const Layout& kept,
                        const Layout& reduced, double* partial);

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

// Host twins of the kernels above. hostAttention runs the fused kernel's tile loop with `tileN` keys per
// tile (the kernel's is kAttentionTile; any 1..kAttentionMaxTile) and the kernel's lanes per query row.
constexpr int kAttentionTile = 32, kAttentionMaxTile = 64;
void hostAttention(float* out, const float* q, const float* k, const float* v, const float* bias,
                   const AttentionShape& s, int tileN = kAttentionTile);
void hostSoftmaxGrad(float* gx, const float* y, const float* gy, int64_t rows, int64_t d, float scale);
void hostLayerNormGrad(float* gx, const float* x, const float* w, const float* gy, int64_t rows, int64_t d,
                       float eps);
void hostActGrad(int act, float* gz, const float* z, const float* gy, int64_t n);
void hostBicubicGrad(float* gx, const float* gy, int64_t planes, int64_t H, int64_t W, int64_t OH, int64_t OW,
                     float sh, float sw);
void hostCol2im(float* px, const float* cols, int64_t B, int64_t C, int64_t H, int64_t W, int64_t P);
void hostSumTo(float* out, const float* x, const Layout& kept, const Layout& reduced);

} // namespace loupe::compute::cuda
