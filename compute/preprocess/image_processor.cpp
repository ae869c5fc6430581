// SPDX-License-Identifier: MIT
#include "compute/preprocess/image_processor.h"

#include "compute/error.h"

#include <algorithm>

namespace loupe::compute {

namespace {

// Python's floor division, which transformers' center_crop uses for its offsets.
int floorDiv2(int v)
{
    return v >= 0 ? v / 2 : -((-v + 1) / 2);
}

// transformers' center_crop: crop when the image is large enough, else zero-pad around it first.
RgbImage centerCrop(const RgbImage& in, int ch, int cw)
{
    RgbImage out{cw, ch, std::vector<uint8_t>(size_t(cw) * size_t(ch) * 3, 0)};
    int top = floorDiv2(in.height - ch), left = floorDiv2(in.width - cw);
    int padTop = 0, padLeft = 0;
    if (top < 0 || left < 0 || top + ch > in.height || left + cw > in.width) {
        const int newH = std::max(ch, in.height), newW = std::max(cw, in.width);
        padTop = (newH - in.height + 1) / 2; // ceil
        padLeft = (newW - in.width + 1) / 2;
        top += padTop;
        left += padLeft;
    }
    // Output pixel (y, x) is padded-image pixel (top + y, left + x) = input pixel minus the padding.
    for (int y = 0; y < ch; ++y) {
        const int sy = top + y - padTop;
        if (sy < 0 || sy >= in.height) continue;
        for (int x = 0; x < cw; ++x) {
            const int sx = left + x - padLeft;
            if (sx < 0 || sx >= in.width) continue;
            for (int c = 0; c < 3; ++c)
                out.rgb[(size_t(y) * size_t(cw) + size_t(x)) * 3 + size_t(c)] =
                    in.rgb[(size_t(sy) * size_t(in.width) + size_t(sx)) * 3 + size_t(c)];
        }
    }
    return out;
}

} // namespace

std::array<int, 2> resizedSize(int height, int width, const ImageProcessorConfig& c)
{
    using Mode = ImageProcessorConfig::ResizeMode;
    if (!c.doResize) return {height, width};
    switch (c.resizeMode) {
    case Mode::Exact:
        return {c.sizeHeight, c.sizeWidth};
    case Mode::ShortestEdge: {
        const bool wide = width > height;
        const int shortSide = wide ? height : width, longSide = wide ? width : height;
        // Python's int(s * long / short): true division, then truncation.
        const int newLong = int(double(c.sizeEdge) * longSide / shortSide);
        return wide ? std::array<int, 2>{c.sizeEdge, newLong} : std::array<int, 2>{newLong, c.sizeEdge};
    }
    case Mode::LongestEdge: {
        const double scale = c.sizeEdge * 1.0 / std::max(height, width);
        return {int(height * scale + 0.5), int(width * scale + 0.5)};
    }
    }
    return {height, width};
}

PreprocessedImage preprocess(const ImageU8& image, const ImageProcessorConfig& c)
{
    RgbImage img = toRgb(image);
    PreprocessedImage out;
    out.originalSize = {img.height, img.width};
    if (c.doResize) {
        const auto [h, w] = resizedSize(img.height, img.width, c);
        if (h <= 0 || w <= 0)
            throw Error("preprocess", "image of " + std::to_string(img.width) + "x" +
                                          std::to_string(img.height) + " resizes to nothing");
        img = resizePil(img, w, h, c.resample);
    }
    out.reshapedInputSize = {img.height, img.width};
    if (c.doCenterCrop) img = centerCrop(img, c.cropHeight, c.cropWidth);

    const int h = img.height, w = img.width;
    out.height = c.doPad ? std::max(h, c.padHeight) : h;
    out.width = c.doPad ? std::max(w, c.padWidth) : w;
    if (c.doPad && (h > c.padHeight || w > c.padWidth))
        throw Error("preprocess", "image of " + std::to_string(w) + "x" + std::to_string(h) +
                                      " is larger than pad_size " + std::to_string(c.padWidth) + "x" +
                                      std::to_string(c.padHeight));
    out.pixels.assign(size_t(3) * size_t(out.height) * size_t(out.width), 0.0f);
    for (int ch = 0; ch < 3; ++ch) {
        float* plane = out.pixels.data() + size_t(ch) * size_t(out.height) * size_t(out.width);
        for (int y = 0; y < h; ++y) {
            for (int x = 0; x < w; ++x) {
                const uint8_t u = img.rgb[(size_t(y) * size_t(w) + size_t(x)) * 3 + size_t(ch)];
                // Rescale in float64 then cast, normalise in float32: transformers' numpy dtypes.
                float v = c.doRescale ? float(double(u) * c.rescaleFactor) : float(u);
                if (c.doNormalize) v = (v - c.mean[size_t(ch)]) / c.std[size_t(ch)];
                plane[size_t(y) * size_t(out.width) + size_t(x)] = v;
            }
        }
    }
    return out;
}

} // namespace loupe::compute
