// SPDX-License-Identifier: MIT
#pragma once

#include "compute/models/transformer/linear_weight.h"
#include "compute/tensor.h"

#include <cstdint>
#include <vector>

// Host-side building blocks of SAM's CPU path (windowed attention with decomposed relative positions,
// transposed and strided convolutions) plus thin eager wrappers over the CPU kernels: the image
// encoder's fused kernels, faster on the CPU than its graph (sam_vision_graph.h, which other backends
// run), and the prompt encoder and mask decoder, which run on the CPU only. Images are channels-last:
// [H, W, C] token grids, which is what the GEMMs want.
namespace loupe::compute::sam {

using transformer::LinearWeight;

// y = act(x W^T + b) (+ residual), x [..., K] packed; W [N, K].
Tensor linear(const Tensor& x, const LinearWeight& w, const Tensor& bias, Activation act = Activation::None,
              const Tensor* residual = nullptr);
// The same into a preallocated packed `out` of x's rows by N (no allocation: the encoder reuses its
// buffers across layers).
void linearInto(const Tensor& out, const Tensor& x, const LinearWeight& w, const Tensor& bias,
                Activation act = Activation::None, const Tensor* residual = nullptr);
Tensor layerNorm(const Tensor& x, const Tensor& w, const Tensor& b, double eps);
Tensor activation(const Tensor& x, Activation act);
Tensor add(const Tensor& a, const Tensor& b); // same shapes, packed

// transformers' SamVisionAttention.get_rel_pos for equal query and key sizes: the table [L, C] resized
// linearly (align_corners=False) to 2 * size - 1 rows, then gathered as out[q][k] = table[q - k + size - 1].
// Returns [size, size, C].
Tensor relativePositions(const Tensor& table, int64_t size);

// [g*g, C] token grid -> [windows, S*S, C], the grid padded to a multiple of S (window_partition) with
// `fill` (C values: what a zero token becomes, e.g. the bias of a projection applied before
// partitioning; null for zeros). `out` is preallocated.
void windowPartition(const Tensor& out, const Tensor& x, int64_t g, int64_t S, const float* fill);
// The inverse, dropping the padding (window_unpartition): [windows, S*S, D] -> [g*g, D].
void windowUnpartition(const Tensor& out, const Tensor& w, int64_t g, int64_t S);

// Multi-head self-attention over `windows` independent square windows of side S (T = S*S tokens each)
// with SAM's decomposed relative positions:
//   scores = scale * q k^T + q . relH[qy][ky] + q . relW[qx][kx]  (relative terms from the unscaled q)
// qkv: [windows, T, 3D] packed (q, k, v of every head along the last dim); relH/relW: [S, S, hd] from
// relativePositions (or undefined for none). Returns the context [windows, T, D].
Tensor windowAttention(const Tensor& qkv, int64_t windows, int64_t side, int64_t heads, const Tensor& relH,
                       const Tensor& relW);
// The same into a preallocated packed `ctx` of windows * T * D floats; `workspace` as for
// fusedWindowAttention (sam_attention.h).
void windowAttentionInto(const Tensor& ctx, const Tensor& qkv, int64_t windows, int64_t side, int64_t heads,
                         const Tensor& relH, const Tensor& relW, std::vector<float>* workspace = nullptr);

// Plain multi-head attention of q [Nq, D] over k, v [Nk, D] (already projected); returns [Nq, D].
Tensor attention(const Tensor& q, const Tensor& k, const Tensor& v, int64_t heads);

// ConvTranspose2d with kernel = stride = 2: x [H, W, Cin] -> [2H, 2W, Cout]. `w` is the weight repacked by
// transposedConvWeight.
Tensor convTranspose2x2(const Tensor& x, const LinearWeight& w, const Tensor& bias);
// [Cin, Cout, 2, 2] (PyTorch ConvTranspose2d layout) -> [4 * Cout, Cin], rows ordered (dy, dx, cout).
LinearWeight transposedConvWeight(const Tensor& w);

// Conv2d with a k x k kernel, stride `stride`, zero padding `pad`: x [H, W, Cin] -> [Ho, Wo, Cout] through
// an im2col GEMM. `w` is repacked by convWeight.
Tensor conv2d(const Tensor& x, const LinearWeight& w, const Tensor& bias, int64_t k, int64_t stride,
              int64_t pad);
// [Cout, Cin, k, k] -> [Cout, k * k * Cin], columns ordered (ky, kx, cin) as the im2col rows.
LinearWeight convWeight(const Tensor& w);

} // namespace loupe::compute::sam
