// SPDX-License-Identifier: MIT
#include "compute/backend/cpu/ops.h"
#include "compute/threadpool.h"

#include <algorithm>
#include <cmath>

namespace loupe::compute::cpu {

// torch.nn.functional.interpolate(mode="bicubic", align_corners=False): Keys' cubic convolution with
// A = -0.75, source index scale * (dst + 0.5) - 0.5 without clamping, taps clamped to the border.
// A positive scale factor is used as given (1 / scale), as PyTorch does when the caller passes
// scale_factor; otherwise in/out. transformers' interpolate_pos_encoding depends on that detail.
namespace {

constexpr float kA = -0.75f;

inline float cubic1(float x)
{
    return ((kA + 2) * x - (kA + 3)) * x * x + 1;
}
inline float cubic2(float x)
{
    return ((kA * x - 5 * kA) * x + 8 * kA) * x - 4 * kA;
}

inline void cubicWeights(float t, float w[4])
{
    w[0] = cubic2(t + 1);
    w[1] = cubic1(t);
    w[2] = cubic1(1 - t);
    w[3] = cubic2(2 - t);
}

float sourceScale(int64_t in, int64_t out, double scale)
{
    return scale > 0 ? float(1.0 / scale) : float(in) / float(out);
}

} // namespace

void bicubic(const Tensor& out, const Tensor& xIn, double scaleH, double scaleW)
{
    const Tensor x = xIn.contiguous();
    const int64_t planes = x.size(0) * x.size(1), H = x.size(2), W = x.size(3);
    const int64_t OH = out.size(2), OW = out.size(3);
    const float sh = sourceScale(H, OH, scaleH), sw = sourceScale(W, OW, scaleW);
    parallelFor(planes * OH, 4, [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            const int64_t plane = r / OH, oy = r % OH;
            const float* src = x.ptr<float>() + plane * H * W;
            float* dst = out.ptr<float>() + (plane * OH + oy) * OW;
            const float ry = sh * (float(oy) + 0.5f) - 0.5f;
            const int64_t iy = int64_t(std::floor(ry));
            float wy[4];
            cubicWeights(ry - float(iy), wy);
            for (int64_t ox = 0; ox < OW; ++ox) {
                const float rx = sw * (float(ox) + 0.5f) - 0.5f;
                const int64_t ix = int64_t(std::floor(rx));
                float wx[4];
                cubicWeights(rx - float(ix), wx);
                float acc = 0;
                for (int j = 0; j < 4; ++j) {
                    const int64_t yy = std::clamp<int64_t>(iy - 1 + j, 0, H - 1);
                    float rowv = 0;
                    for (int i = 0; i < 4; ++i)
                        rowv += wx[i] * src[yy * W + std::clamp<int64_t>(ix - 1 + i, 0, W - 1)];
                    acc += wy[j] * rowv;
                }
                dst[ox] = acc;
            }
        }
    });
}

} // namespace loupe::compute::cpu
