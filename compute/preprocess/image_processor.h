// SPDX-License-Identifier: MIT
#pragma once

#include "compute/preprocess/image.h"
#include "compute/preprocess/processor_config.h"

#include <array>
#include <cstdint>
#include <vector>

namespace loupe::compute {

// pixel_values [1, 3, height, width] float32, plus what SAM's post-processing needs.
struct PreprocessedImage
{
    std::vector<float> pixels;
    int64_t height = 0, width = 0;
    std::array<int64_t, 2> originalSize{};      // (h, w) of the input
    std::array<int64_t, 2> reshapedInputSize{}; // (h, w) after resizing, before cropping/padding

    std::vector<int64_t> shape() const { return {1, 3, height, width}; }
};

// Runs the Hugging Face processor steps in transformers' order: RGB conversion, resize (Pillow), center
// crop, rescale (float64 multiply, cast to float32), normalise (float32), pad. Grey and RGBA inputs are
// always converted to RGB first, as transformers' load_image does (ViT and SAM processors would refuse them).
PreprocessedImage preprocess(const ImageU8& image, const ImageProcessorConfig& config);

// The size the resize step produces for an h x w input (height, width).
std::array<int, 2> resizedSize(int height, int width, const ImageProcessorConfig& config);

} // namespace loupe::compute
