// SPDX-License-Identifier: MIT
#pragma once

#include "compute/backend/vulkan/recorder.h"
#include "compute/gemm/gemm.h"
#include "compute/graph/graph.h"

namespace loupe::compute::vk {

// The Vulkan kernels, recorded into `r`, one shader each (shaders/*.comp) with the CPU backend's
// semantics (compute/backend/cpu/ops.h). Outputs are packed except copy's, which may be any view;
// inputs may be strided views. Layouts that fold to no more than 4 dims are accepted; others throw.
void copy(Recorder& r, const DeviceTensor& out, const DeviceTensor& x);
void binary(Recorder& r, Op op, const DeviceTensor& out, const DeviceTensor& a, const DeviceTensor& b);
void activation(Recorder& r, const DeviceTensor& out, const DeviceTensor& x, Activation act);
void softmax(Recorder& r, const DeviceTensor& out, const DeviceTensor& x, float scale);
void layerNorm(Recorder& r, const DeviceTensor& out, const DeviceTensor& x, const DeviceTensor& w,
               const DeviceTensor& b, float eps);
// w is [N, K] (PyTorch layout, any strides).
void linear(Recorder& r, const DeviceTensor& out, const DeviceTensor& x, const DeviceTensor& w,
            const DeviceTensor* bias, Activation act, const DeviceTensor* residual);
void matmul(Recorder& r, const DeviceTensor& out, const DeviceTensor& a, const DeviceTensor& b);
void patchEmbed(Recorder& r, const DeviceTensor& out, const DeviceTensor& pixels, const DeviceTensor& w,
                const DeviceTensor* bias, int64_t patch);
void bicubic(Recorder& r, const DeviceTensor& out, const DeviceTensor& x, double scaleH, double scaleW);
// Fused softmax(scale * (q k^T + bias)) v; bias may be null and broadcasts to [B, H, M, N].
void attention(Recorder& r, const DeviceTensor& out, const DeviceTensor& q, const DeviceTensor& k,
               const DeviceTensor& v, const DeviceTensor* bias, float scale);

// The backward ops (Op::SoftmaxGrad ... Op::Embed), each writing one packed gradient.
void softmaxGrad(Recorder& r, const DeviceTensor& out, const DeviceTensor& y, const DeviceTensor& gy,
                 float scale);
void layerNormGrad(Recorder& r, const DeviceTensor& out, const DeviceTensor& x, const DeviceTensor* w,
                   const DeviceTensor& gy, float eps);
void activationGrad(Recorder& r, const DeviceTensor& out, const DeviceTensor& z, const DeviceTensor& gy,
                    Activation act);
void bicubicGrad(Recorder& r, const DeviceTensor& out, const DeviceTensor& gy, double scaleH, double scaleW);
void col2im(Recorder& r, const DeviceTensor& out, const DeviceTensor& gcols, int64_t patch);
void sumTo(Recorder& r, const DeviceTensor& out, const DeviceTensor& x);
// out = 0, then x copied into out's view with `strides` at element `offset` (views never overlap).
void embed(Recorder& r, const DeviceTensor& out, const DeviceTensor& x, const Shape& strides, int64_t offset);

} // namespace loupe::compute::vk
