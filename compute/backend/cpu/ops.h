// SPDX-License-Identifier: MIT
#pragma once

#include "compute/gemm/gemm.h"
#include "compute/graph/graph.h"
#include "compute/tensor.h"

namespace loupe::compute::cpu {

// The CPU kernels, one file each. All take f32 tensors; `out` is packed and preallocated. Inputs may be
// strided views: kernels that need packed rows make a packed copy themselves (the graph builder
// inserts Cont nodes so the engine's hot path never pays for that).
// Runs one computed node of `g` into `out`, its sources read from `values` (indexed by NodeId): the CPU
// backend's dispatch, which the gradient runner's forward pass shares.
void computeNode(const Graph& g, const Node& n, const Tensor& out, const std::vector<Tensor>& values);

void binary(Op op, const Tensor& out, const Tensor& a, const Tensor& b); // numpy broadcast
void copy(const Tensor& out, const Tensor& x);
// `packed`, when given, replaces w (which may then be undefined).
void linear(const Tensor& out, const Tensor& x, const Tensor& w, const Tensor* bias, Activation act,
            const Tensor* residual, const PackedWeight* packed = nullptr);
void matmul(const Tensor& out, const Tensor& a, const Tensor& b);
void layerNorm(const Tensor& out, const Tensor& x, const Tensor& w, const Tensor& b, float eps);
void activation(const Tensor& out, const Tensor& x, Activation act);
void softmax(const Tensor& out, const Tensor& x, float scale);
void patchEmbed(const Tensor& out, const Tensor& pixels, const Tensor& w, const Tensor* bias, int64_t patch,
                const PackedWeight* packed = nullptr);
void concat(const Tensor& out, const Tensor& a, const Tensor& b, int64_t dim);
void bicubic(const Tensor& out, const Tensor& x, double scaleH, double scaleW);
// Fused attention (Op::Attention); bias may be null. attention.cpp.
void attention(const Tensor& out, const Tensor& q, const Tensor& k, const Tensor& v, const Tensor* bias,
               float scale);

// The backward ops (grad_ops.cpp): one packed gradient each.
void softmaxGrad(const Tensor& out, const Tensor& y, const Tensor& gy, float scale);
void layerNormGrad(const Tensor& out, const Tensor& x, const Tensor* w, const Tensor& gy, double eps);
void actGrad(const Tensor& out, const Tensor& z, const Tensor& gy, Activation act);
void bicubicGrad(const Tensor& out, const Tensor& gy, double scaleH, double scaleW);
void col2im(const Tensor& out, const Tensor& gcols, int64_t patch);
void sumTo(const Tensor& out, const Tensor& x);
void embed(const Tensor& out, const Tensor& x, const Shape& strides, int64_t offset);

} // namespace loupe::compute::cpu
