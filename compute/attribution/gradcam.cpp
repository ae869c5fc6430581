// SPDX-License-Identifier: MIT
#include "compute/attribution/gradcam.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace loupe::compute::attribution {

std::vector<float> gradCam(const float* features, const float* grads, int tokens, int channels,
                           const PatchGrid& grid)
{
    const int patches = grid.rows * grid.cols;
    if (grid.rows <= 0 || grid.cols <= 0 || grid.firstPatchToken < 0 || channels <= 0 ||
        grid.firstPatchToken + patches != tokens)
        throw std::invalid_argument("gradCam: a " + std::to_string(grid.rows) + "x" + std::to_string(grid.cols) +
                                    " grid after " + std::to_string(grid.firstPatchToken) +
                                    " special tokens does not fit " + std::to_string(tokens) + " tokens");
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

} // namespace loupe::compute::attribution
