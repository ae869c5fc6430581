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

} // namespace loupe::compute::vk
