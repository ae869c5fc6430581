// SPDX-License-Identifier: MIT
#include "compute/attribution/occlusion.h"

#include <algorithm>
#include <cstdint>
#include <stdexcept>

namespace loupe::compute::attribution {

namespace {

// Window origins along one axis; the last one is clamped so the far edge is always covered.
// 64-bit steps: a stride near INT_MAX must end the loop, not wrap to a negative origin.
std::vector<int> origins(int size, int window, int stride)
{
    std::vector<int> o;
    for (int64_t p = 0; p + window <= size; p += stride)
        o.push_back(int(p));
    if (o.empty() || o.back() + window < size) o.push_back(std::max(0, size - window));
    return o;
}

} // namespace

std::vector<float> occlusionMap(const PlanarImage& image, const ScoreFn& score,
                                const OcclusionOptions& options)
{
    const int H = image.height, W = image.width, C = image.channels;
    if (options.window < 1 || options.stride < 1 || options.batchSize < 1)
        throw std::invalid_argument("occlusion: window, stride and batch size must be positive");
    if (H < 1 || W < 1 || C < 1 || image.data.size() != size_t(C) * H * W)
        throw std::invalid_argument("occlusion: image data does not match its shape");
    const int win = std::min({options.window, H, W});
    const float base = score({&image}).at(0);
    const std::vector<int> ys = origins(H, win, options.stride), xs = origins(W, win, options.stride);
    std::vector<std::pair<int, int>> windows;
    for (int y : ys)
        for (int x : xs)
            windows.emplace_back(y, x);

    std::vector<double> sum(size_t(H) * W, 0.0), count(size_t(H) * W, 0.0);
    const size_t plane = size_t(H) * W;
    for (size_t start = 0; start < windows.size(); start += size_t(options.batchSize)) {
        const size_t n = std::min(windows.size() - start, size_t(options.batchSize));
        std::vector<PlanarImage> batch(n, image);
        std::vector<const PlanarImage*> ptrs;
        for (size_t i = 0; i < n; ++i) {
            const auto [y0, x0] = windows[start + i];
            for (int c = 0; c < C; ++c)
                for (int y = y0; y < y0 + win; ++y)
                    std::fill_n(batch[i].data.begin() + long(c * plane + size_t(y) * W + x0), win,
                                options.baseline);
            ptrs.push_back(&batch[i]);
        }
        const std::vector<float> s = score(ptrs);
        if (s.size() != n) throw std::runtime_error("occlusion: the score callback returned a wrong count");
        for (size_t i = 0; i < n; ++i) {
            const auto [y0, x0] = windows[start + i];
            const double d = double(base) - double(s[i]);
            for (int y = y0; y < y0 + win; ++y)
                for (int x = x0; x < x0 + win; ++x) {
                    sum[size_t(y) * W + x] += d;
                    count[size_t(y) * W + x] += 1.0;
                }
        }
    }
    std::vector<float> map(plane, 0.0f);
    for (size_t i = 0; i < plane; ++i)
        if (count[i] > 0) map[i] = float(sum[i] / count[i]);
    return map;
}

std::vector<float> poolToGrid(const std::vector<float>& map, int height, int width, int rows, int cols)
{
    std::vector<double> sum(size_t(rows) * cols, 0.0), count(size_t(rows) * cols, 0.0);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            const size_t cell = size_t(std::min(rows - 1, y * rows / height)) * cols +
                                size_t(std::min(cols - 1, x * cols / width));
            sum[cell] += map[size_t(y) * width + x];
            count[cell] += 1.0;
        }
    std::vector<float> out(sum.size(), 0.0f);
    for (size_t i = 0; i < out.size(); ++i)
        if (count[i] > 0) out[i] = float(sum[i] / count[i]);
    return out;
}

} // namespace loupe::compute::attribution
