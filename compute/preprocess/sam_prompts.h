// SPDX-License-Identifier: MIT
#pragma once

#include "compute/tensor.h"

#include <array>
#include <cstdint>
#include <vector>

namespace loupe::compute {

// SamProcessor's prompt rescaling: source-image pixels -> the resized image's pixels, x * new_w / w and
// y * new_h / h in float64. Sizes are (height, width).
std::array<double, 2> samRescalePoint(std::array<double, 2> xy, std::array<int64_t, 2> original,
                                      std::array<int64_t, 2> resized);
std::array<double, 4> samRescaleBox(std::array<double, 4> box, std::array<int64_t, 2> original,
                                    std::array<int64_t, 2> resized);

// SamImageProcessor.post_process_masks for one mask: low-resolution logits [h, w] upsampled bilinearly
// (align_corners=False) to the padded input pad x pad, cropped to `resized`, upsampled to `original`,
// then thresholded at 0. Returns original.h * original.w bytes, 1 inside the mask.
std::vector<uint8_t> samPostprocessMask(const Tensor& lowRes, int64_t pad, std::array<int64_t, 2> resized,
                                        std::array<int64_t, 2> original);

// torch.nn.functional.interpolate(mode="bilinear", align_corners=False) of one [h, w] plane given a
// strided source (rowStride floats apart), as PyTorch's CPU kernel computes it in float.
std::vector<float> bilinearResize(const float* src, int64_t h, int64_t w, int64_t rowStride, int64_t outH,
                                  int64_t outW);
// The top-left keepH x keepW samples of that resize to outH x outW, without computing the rest.
std::vector<float> bilinearResizeTopLeft(const float* src, int64_t h, int64_t w, int64_t rowStride,
                                         int64_t outH, int64_t outW, int64_t keepH, int64_t keepW);

// samPostprocessMask's logits before the threshold (original.h * original.w floats): upsampled as
// SamImageProcessor.post_process_masks does, computing only the padded input's rows and columns the crop
// keeps.
std::vector<float> samUpscaleLogits(const Tensor& lowRes, int64_t pad, std::array<int64_t, 2> resized,
                                    std::array<int64_t, 2> original);

} // namespace loupe::compute
