// SPDX-License-Identifier: MIT
#include "compute/preprocess/sam_prompts.h"

#include "compute/error.h"

#include <algorithm>

namespace loupe::compute {

std::array<double, 2> samRescalePoint(std::array<double, 2> xy, std::array<int64_t, 2> original,
                                      std::array<int64_t, 2> resized)
{
    return {xy[0] * (double(resized[1]) / double(original[1])),
            xy[1] * (double(resized[0]) / double(original[0]))};
}

std::array<double, 4> samRescaleBox(std::array<double, 4> box, std::array<int64_t, 2> original,
                                    std::array<int64_t, 2> resized)
{
    const auto a = samRescalePoint({box[0], box[1]}, original, resized);
    const auto b = samRescalePoint({box[2], box[3]}, original, resized);
    return {a[0], a[1], b[0], b[1]};
}

namespace {

struct Tap
{
    int64_t i0, i1;
    float l0, l1;
};

// PyTorch's area_pixel_compute_source_index for align_corners=False with the size-derived scale; the
// first `count` output samples of a resize to `out`.
std::vector<Tap> taps(int64_t in, int64_t out, int64_t count)
{
    std::vector<Tap> t(static_cast<size_t>(count));
    const float scale = float(in) / float(out);
    for (int64_t o = 0; o < count; ++o) {
        const float src = std::max(scale * (float(o) + 0.5f) - 0.5f, 0.f);
        const int64_t i0 = std::min<int64_t>(int64_t(src), in - 1);
        const int64_t i1 = i0 < in - 1 ? i0 + 1 : i0;
        const float l1 = src - float(i0);
        t[size_t(o)] = {i0, i1, 1.f - l1, l1};
    }
    return t;
}

} // namespace

std::vector<float> bilinearResize(const float* src, int64_t h, int64_t w, int64_t rowStride, int64_t outH,
                                  int64_t outW)
{
    return bilinearResizeTopLeft(src, h, w, rowStride, outH, outW, outH, outW);
}

std::vector<float> bilinearResizeTopLeft(const float* src, int64_t h, int64_t w, int64_t rowStride,
                                         int64_t outH, int64_t outW, int64_t keepH, int64_t keepW)
{
    const std::vector<Tap> ty = taps(h, outH, keepH), tx = taps(w, outW, keepW);
    std::vector<float> out(size_t(keepH * keepW));
    for (int64_t y = 0; y < keepH; ++y) {
        const Tap& a = ty[size_t(y)];
        const float* r0 = src + a.i0 * rowStride;
        const float* r1 = src + a.i1 * rowStride;
        float* o = out.data() + y * keepW;
        for (int64_t x = 0; x < keepW; ++x) {
            const Tap& b = tx[size_t(x)];
            o[x] = a.l0 * (b.l0 * r0[b.i0] + b.l1 * r0[b.i1]) + a.l1 * (b.l0 * r1[b.i0] + b.l1 * r1[b.i1]);
        }
    }
    return out;
}

std::vector<float> samUpscaleLogits(const Tensor& lowResIn, int64_t pad, std::array<int64_t, 2> resized,
                                    std::array<int64_t, 2> original)
{
    if (lowResIn.dim() != 2) throw Error("sam", "a low-resolution mask must be [h, w]");
    if (resized[0] > pad || resized[1] > pad || resized[0] <= 0 || resized[1] <= 0 || original[0] <= 0 ||
        original[1] <= 0)
        throw Error("sam", "the resized image does not fit the padded input");
    const Tensor lowRes = lowResIn.contiguous().to(DType::F32);
    const int64_t h = lowRes.size(0), w = lowRes.size(1);
    // Only the part of the padded input the crop keeps is computed: the rest would be thrown away.
    const std::vector<float> crop =
        bilinearResizeTopLeft(lowRes.ptr<float>(), h, w, w, pad, pad, resized[0], resized[1]);
    return bilinearResize(crop.data(), resized[0], resized[1], resized[1], original[0], original[1]);
}

std::vector<uint8_t> samPostprocessMask(const Tensor& lowResIn, int64_t pad, std::array<int64_t, 2> resized,
                                        std::array<int64_t, 2> original)
{
    const std::vector<float> full = samUpscaleLogits(lowResIn, pad, resized, original);
    std::vector<uint8_t> mask(full.size());
    for (size_t i = 0; i < full.size(); ++i)
        mask[i] = full[i] > 0.f ? 1 : 0;
    return mask;
}

} // namespace loupe::compute
