// SPDX-License-Identifier: MIT
// The image processors on arbitrary image sizes, channel counts, strides, filters and processor flags:
// every output pixel is written from inside the input, whatever the ratio (1-pixel sides, 100x shrink).
#include "compute/error.h"
#include "compute/preprocess/image_processor.h"

#include <cstddef>
#include <cstdint>
#include <vector>

using namespace loupe::compute;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 12) return 0;
    auto u16 = [&](size_t i) { return int(data[i] | (data[i + 1] << 8)); };
    const int width = 1 + u16(0) % 300, height = 1 + u16(2) % 300;
    const int channels = (const int[]){1, 3, 4, 2}[data[4] % 4]; // 2 is invalid: must be refused
    const size_t stride = size_t(width) * size_t(channels) + data[5] % 5;
    ImageProcessorConfig c;
    c.resizeMode = ImageProcessorConfig::ResizeMode(data[6] % 3);
    c.sizeHeight = 1 + data[7] % 96;
    c.sizeWidth = 1 + data[8] % 96;
    c.sizeEdge = 1 + (data[7] ^ data[8]) % 96;
    c.resample = Resample(data[9] % 6);
    const uint8_t flags = data[10];
    c.doResize = flags & 1;
    c.doCenterCrop = flags & 2;
    c.cropHeight = 1 + data[11] % 70;
    c.cropWidth = 1 + (data[11] >> 1) % 70;
    c.doRescale = flags & 4;
    c.doNormalize = flags & 8;
    c.doPad = flags & 16;
    c.padHeight = 1 + (flags >> 5) * 20;
    c.padWidth = c.padHeight;

    // Pixels cycle through the remaining input bytes.
    std::vector<uint8_t> pixels(stride * size_t(height));
    for (size_t i = 0; i < pixels.size(); ++i)
        pixels[i] = size > 12 ? data[12 + i % (size - 12)] : uint8_t(i);
    try {
        const PreprocessedImage out = preprocess({width, height, channels, stride, pixels.data()}, c);
        if (out.pixels.size() != size_t(3 * out.height * out.width)) __builtin_trap();
    } catch (const Error&) {
    }
    return 0;
}
