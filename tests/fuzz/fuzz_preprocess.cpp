// SPDX-License-Identifier: MIT
// The image processors on arbitrary image sizes, channel counts, strides, filters and processor flags:
// every output pixel is written from inside the input, whatever the ratio (1-pixel sides, 100x shrink).
// Inputs starting with '{' are a preprocessor_config.json instead: it either fails validation with an
// Error or yields a processor whose sizes are within the limits, that fits or is refused by a model,
// and whose output on a small image is finite.
#include "compute/error.h"
#include "compute/models/finite_outputs.h"
#include "compute/preprocess/image_processor.h"
#include "compute/preprocess/processor_config.h"
#include "compute/preprocess/processor_fit.h"

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

using namespace loupe::compute;

namespace {

void fuzzConfig(const uint8_t* data, size_t size)
{
    const nlohmann::json j = nlohmann::json::parse(data, data + size, nullptr, false);
    if (j.is_discarded()) return;
    ImageProcessorConfig c;
    try {
        c = ImageProcessorConfig::fromJson(j, "fuzz/preprocessor_config.json");
    } catch (const Error&) {
        return;
    }
    for (int side :
         {c.sizeHeight, c.sizeWidth, c.sizeEdge, c.cropHeight, c.cropWidth, c.padHeight, c.padWidth})
        if (side <= 0 || side > kMaxProcessorSide) __builtin_trap();
    ViTConfig model;
    model.imageSize = 32;
    model.patchSize = 8;
    try {
        checkProcessorFitsModel(c, model, "fuzz/preprocessor_config.json", size % 2 == 0);
    } catch (const Error&) {
    }
    // Running it is only affordable at small sizes; validation is what the large ones exercise.
    const std::optional<ProcessorOutputSize> out = fixedOutputSize(c);
    const auto above = [](int v) { return v > 128; };
    if (!out || above(out->height) || above(out->width) ||
        (c.doResize && (above(c.sizeHeight) || above(c.sizeWidth) || above(c.sizeEdge))))
        return;
    std::vector<uint8_t> pixels(size_t(17) * 13 * 3);
    for (size_t i = 0; i < pixels.size(); ++i)
        pixels[i] = data[i % size];
    try {
        const PreprocessedImage p = preprocess({17, 13, 3, 17 * 3, pixels.data()}, c);
        // Validated rescale/mean/std keep every value finite.
        if (!allFinite(p.pixels.data(), p.pixels.size())) __builtin_trap();
    } catch (const Error&) {
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size > 0 && data[0] == '{') {
        fuzzConfig(data, size);
        return 0;
    }
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
