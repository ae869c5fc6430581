// SPDX-License-Identifier: MIT
#include "compute/attribution/gradcam.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace loupe::compute::attribution {

namespace {

void checkGrid(const char* who, int tokens, const PatchGrid& grid)
{
    const int patches = grid.rows * grid.cols;
    if (grid.rows <= 0 || grid.cols <= 0 || grid.firstPatchToken < 0 ||
        grid.firstPatchToken + patches != tokens)
        throw std::invalid_argument(std::string(who) + ": a " + std::to_string(grid.rows) + "x" +
                                    std::to_string(grid.cols) + " grid after " +
                                    std::to_string(grid.firstPatchToken) + " special tokens does not fit " +
                                    std::to_string(tokens) + " tokens");
}

} // namespace

std::vector<float> gradCam(const float* features, const float* grads, int tokens, int channels,
                           const PatchGrid& grid)
{
    checkGrid("gradCam", tokens, grid);
    if (channels <= 0) throw std::invalid_argument("gradCam: no channels");
    const int patches = grid.rows * grid.cols;
    const size_t C = size_t(channels);
    const float* f = features + size_t(grid.firstPatchToken) * C;
    const float* g = grads + size_t(grid.firstPatchToken) * C;
    std::vector<double> alpha(C, 0.0);
    for (int p = 0; p < patches; ++p)
        for (size_t c = 0; c < C; ++c)
            alpha[c] += g[size_t(p) * C + c];
    for (double& a : alpha)
        a /= double(patches);
    std::vector<float> cam(static_cast<size_t>(patches));
    for (int p = 0; p < patches; ++p) {
        double s = 0;
        for (size_t c = 0; c < C; ++c)
            s += alpha[c] * f[size_t(p) * C + c];
        cam[size_t(p)] = float(std::max(s, 0.0));
    }
    return cam;
}

std::vector<float> attentionGradCam(const float* probs, const float* grads, int heads, int tokens,
                                    const PatchGrid& grid)
{
    checkGrid("attentionGradCam", tokens, grid);
    if (heads <= 0) throw std::invalid_argument("attentionGradCam: no heads");
    const int patches = grid.rows * grid.cols;
    const size_t N = size_t(tokens), first = size_t(grid.firstPatchToken);
    std::vector<double> sum(size_t(patches), 0.0);
    for (int h = 0; h < heads; ++h) {
        // Row 0 (CLS) of head h, patch columns only.
        const float* a = probs + size_t(h) * N * N + first;
        const float* g = grads + size_t(h) * N * N + first;
        double w = 0;
        for (int p = 0; p < patches; ++p)
            w += g[p];
        w /= double(patches);
        for (int p = 0; p < patches; ++p)
            sum[size_t(p)] += w * a[p];
    }
    std::vector<float> cam(static_cast<size_t>(patches));
    for (int p = 0; p < patches; ++p)
        cam[size_t(p)] = float(std::max(sum[size_t(p)] / double(heads), 0.0));
    return cam;
}

} // namespace loupe::compute::attribution
