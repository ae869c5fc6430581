// SPDX-License-Identifier: MIT
#pragma once

#include "compute/preprocess/image.h"

namespace loupe::compute {

// Pillow's resampling filters, numbered as PIL.Image.Resampling (the "resample" field of
// preprocessor_config.json).
enum class Resample { Nearest = 0, Lanczos = 1, Bilinear = 2, Bicubic = 3, Box = 4, Hamming = 5 };

const char* resampleName(Resample r);

// Image.resize((width, height), resample) on an 8-bit RGB image, matching Pillow 9's results bit for bit
// for the convolution filters: a separable convolution whose support widens with the downscale factor
// (antialiasing), sampled at pixel centres, coefficients normalised per output pixel and quantised to
// 22-bit fixed point, horizontal pass first with the result rounded and clipped to 8 bits, then the
// vertical pass. A pass is skipped when its size does not change, as in Pillow.
RgbImage resizePil(const RgbImage& in, int width, int height, Resample filter);

} // namespace loupe::compute
