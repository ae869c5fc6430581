// SPDX-License-Identifier: MIT
#include "compute/attribution/rise.h"

#include "compute/attribution/attention_maps.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace loupe::compute::attribution {

namespace {

// SplitMix64: tiny, well mixed and identical on every platform (std:: distributions are not).
struct SplitMix
{
    uint64_t state;
    uint64_t next()
    {
        uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double uniform() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }
};

} // namespace

std::vector<float> riseMask(int height, int width, int index, const RiseOptions& o)
{
    const int s = o.cells;
    // A cell smaller than a pixel means nothing and the s² grid would be allocated before anything fails.
    if (s < 1 || s > std::min(height, width))
        throw std::invalid_argument("rise: " + std::to_string(s) + " cells per side on a " +
                                    std::to_string(width) + "×" + std::to_string(height) +
                                    " image (at most one cell per pixel)");
    // Each mask has its own stream so masks can be made in any order (and in parallel later).
    SplitMix rng{o.seed * 0x100000001B3ull + uint64_t(index) * 0x9E3779B97F4A7C15ull + 1};
    std::vector<float> grid(size_t(s) * s);
    for (float& g : grid)
        g = rng.uniform() < double(o.p) ? 1.0f : 0.0f;
    const int cellH = (height + s - 1) / s, cellW = (width + s - 1) / s;
    const int upH = (s + 1) * cellH, upW = (s + 1) * cellW;
    const std::vector<float> up = upsampleBilinear(grid, s, s, upH, upW);
    const int dy = int(rng.next() % uint64_t(cellH)), dx = int(rng.next() % uint64_t(cellW));
    std::vector<float> mask(size_t(height) * width);
    for (int y = 0; y < height; ++y)
        std::copy_n(up.begin() + long(size_t(y + dy) * upW + dx), width,
                    mask.begin() + long(size_t(y) * width));
    return mask;
}

std::vector<float> riseMap(const PlanarImage& image, const ScoreFn& score, const RiseOptions& o)
{
    const int H = image.height, W = image.width, C = image.channels;
    if (o.masks < 1 || o.cells < 1 || o.batchSize < 1 || !(o.p > 0.0f && o.p <= 1.0f))
        throw std::invalid_argument("rise: masks, cells and batch size must be positive and p in (0, 1]");
    if (H < 1 || W < 1 || C < 1 || image.data.size() != size_t(C) * H * W)
        throw std::invalid_argument("rise: image data does not match its shape");
    if (o.cells > std::min(H, W))
        throw std::invalid_argument("rise: " + std::to_string(o.cells) + " cells per side on a " +
                                    std::to_string(W) + "×" + std::to_string(H) +
                                    " image (at most one cell per pixel)");
    if (o.masks > kRiseMaxMasks)
        throw std::invalid_argument("rise: " + std::to_string(o.masks) + " masks; at most " +
                                    std::to_string(kRiseMaxMasks) +
                                    " (the estimate settles within a few thousand)");
    const size_t plane = size_t(H) * W;
    std::vector<double> acc(plane, 0.0);
    std::vector<float> map(plane, 0.0f);
    auto scaled = [&](int done) {
        const double k = 1.0 / (double(done) * o.p);
        for (size_t i = 0; i < plane; ++i)
            map[i] = float(acc[i] * k);
    };
    int done = 0;
    while (done < o.masks) {
        const int n = std::min(o.batchSize, o.masks - done);
        std::vector<std::vector<float>> masks;
        std::vector<PlanarImage> batch(size_t(n), image);
        std::vector<const PlanarImage*> ptrs;
        for (int i = 0; i < n; ++i) {
            masks.push_back(riseMask(H, W, done + i, o));
            for (int c = 0; c < C; ++c)
                for (size_t j = 0; j < plane; ++j)
                    batch[size_t(i)].data[c * plane + j] *= masks.back()[j];
            ptrs.push_back(&batch[size_t(i)]);
        }
        const std::vector<float> s = score(ptrs);
        if (s.size() != size_t(n))
            throw std::runtime_error("rise: the score callback returned a wrong count");
        for (int i = 0; i < n; ++i)
            for (size_t j = 0; j < plane; ++j)
                acc[j] += double(s[size_t(i)]) * masks[size_t(i)][j];
        done += n;
        if (o.progress) {
            scaled(done);
            if (!o.progress(done, o.masks, map)) return map;
        }
    }
    scaled(done);
    return map;
}

} // namespace loupe::compute::attribution
