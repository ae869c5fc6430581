// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace loupe::compute {

// A decoded 8-bit image owned by someone else: `channels` is 1 (grey), 3 (RGB) or 4 (RGBA, alpha not
// premultiplied); rows are `stride` bytes apart.
struct ImageU8
{
    int width = 0;
    int height = 0;
    int channels = 3;
    size_t stride = 0;
    const uint8_t* data = nullptr;
};

// A packed RGB image (stride = 3 * width) the preprocessing steps pass along.
struct RgbImage
{
    int width = 0;
    int height = 0;
    std::vector<uint8_t> rgb;

    ImageU8 view() const { return {width, height, 3, size_t(width) * 3, rgb.data()}; }
};

// Pillow's convert("RGB"): grey replicated into R, G and B; alpha dropped, not composited. Throws Error for
// empty images or an unsupported channel count.
RgbImage toRgb(const ImageU8& in);

} // namespace loupe::compute
