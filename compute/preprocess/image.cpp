// SPDX-License-Identifier: MIT
#include "compute/preprocess/image.h"

#include "compute/error.h"

#include <cstring>
#include <string>

namespace loupe::compute {

RgbImage toRgb(const ImageU8& in)
{
    if (in.width <= 0 || in.height <= 0 || !in.data)
        throw Error("image",
                    "empty image (" + std::to_string(in.width) + "x" + std::to_string(in.height) + ")");
    if (in.channels != 1 && in.channels != 3 && in.channels != 4)
        throw Error("image",
                    std::to_string(in.channels) + " channels; expected 1 (grey), 3 (RGB) or 4 (RGBA)");
    if (in.stride < size_t(in.width) * size_t(in.channels))
        throw Error("image", "row stride smaller than a row");
    RgbImage out;
    out.width = in.width;
    out.height = in.height;
    out.rgb.resize(size_t(in.width) * size_t(in.height) * 3);
    for (int y = 0; y < in.height; ++y) {
        const uint8_t* src = in.data + size_t(y) * in.stride;
        uint8_t* dst = out.rgb.data() + size_t(y) * size_t(in.width) * 3;
        if (in.channels == 3) {
            std::memcpy(dst, src, size_t(in.width) * 3);
            continue;
        }
        for (int x = 0; x < in.width; ++x) {
            if (in.channels == 1) {
                dst[3 * x] = dst[3 * x + 1] = dst[3 * x + 2] = src[x];
            } else {
                dst[3 * x] = src[4 * x];
                dst[3 * x + 1] = src[4 * x + 1];
                dst[3 * x + 2] = src[4 * x + 2];
            }
        }
    }
    return out;
}

} // namespace loupe::compute
