// SPDX-License-Identifier: MIT
#pragma once

#include "compute/io/config.h"
#include "compute/preprocess/processor_config.h"

#include <optional>
#include <string>
#include <utility>

namespace loupe::compute {

// The {height, width} every image leaves the processor with, and the preprocessor_config.json field
// that decides it (pad_size, crop_size or size); nullopt when it follows the image (shortest or longest
// edge resizing without crop or pad, or no resizing at all).
struct ProcessorOutputSize
{
    int height = 0, width = 0;
    const char* field = "size";
};
std::optional<ProcessorOutputSize> fixedOutputSize(const ImageProcessorConfig& p);

// With interpolated position embeddings a model runs at other sizes, up to this many times its own
// patch grid per side (16x the tokens; attention grows with their square).
inline constexpr int kMaxInterpolationScale = 4;

// Checks that a processor prepares images the model can take, before any image is read: 3 channels,
// and a fixed output size equal to config.json's image_size (or, with interpolatePosEncoding, at least
// one patch and at most kMaxInterpolationScale times image_size per side). Throws Error naming
// `processorSource` (preprocessor_config.json) and the field.
void checkProcessorFitsModel(const ImageProcessorConfig& p, const ViTConfig& model,
                             const std::string& processorSource, bool interpolatePosEncoding);

} // namespace loupe::compute
