// SPDX-License-Identifier: MIT
#include "compute/attribution/head_importance.h"

#include <algorithm>
#include <stdexcept>

namespace loupe::compute::attribution {

HeadImportance headImportance(int layers, int heads, const HeadMaskScoreFn& score, int batchSize)
{
    if (layers < 1 || heads < 1 || batchSize < 1)
        throw std::invalid_argument("head importance: layers, heads and batch size must be positive");
    const size_t lh = size_t(layers) * heads;
    // Mask 0 keeps everything; then one per head; then one per layer.
    const size_t total = 1 + lh + size_t(layers);
    auto maskFor = [&](size_t k, float* m) {
        std::fill_n(m, lh, 1.0f);
        if (k == 0) return;
        if (k <= lh) {
            m[k - 1] = 0.0f;
            return;
        }
        std::fill_n(m + (k - 1 - lh) * heads, heads, 0.0f);
    };
    std::vector<float> scores;
    for (size_t start = 0; start < total; start += size_t(batchSize)) {
        const size_t n = std::min(total - start, size_t(batchSize));
        std::vector<float> masks(n * lh);
        for (size_t i = 0; i < n; ++i)
            maskFor(start + i, masks.data() + i * lh);
        const std::vector<float> s = score(masks, int(n));
        if (s.size() != n)
            throw std::runtime_error("head importance: the score callback returned a wrong count");
        scores.insert(scores.end(), s.begin(), s.end());
    }
    HeadImportance r;
    r.layers = layers;
    r.heads = heads;
    r.baseline = scores[0];
    for (size_t k = 0; k < lh; ++k)
        r.delta.push_back(r.baseline - scores[1 + k]);
    for (int l = 0; l < layers; ++l)
        r.layerDelta.push_back(r.baseline - scores[1 + lh + size_t(l)]);
    return r;
}

} // namespace loupe::compute::attribution
