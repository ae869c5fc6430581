// SPDX-License-Identifier: MIT
#pragma once

#include "compute/attribution/faithfulness.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace loupe::compute::attribution {

// More masks than this only cost time: the Monte-Carlo estimate has settled long before (the paper uses
// 6000).
inline constexpr int kRiseMaxMasks = 100000;

struct RiseOptions
{
    int masks = 1000;  // N (the paper uses 6000)
    int cells = 8;     // s: each mask starts as an s×s binary grid
    float p = 0.5f;    // P(cell = 1) (the paper uses 0.1 for ImageNet)
    uint64_t seed = 0; // same seed, same masks, same map
    int batchSize = 16;
    // Called after each batch with (masks done, masks total, the running map scaled as if complete);
    // return false to stop early (the map so far is returned).
    std::function<bool(int done, int total, const std::vector<float>& map)> progress;
};

// One RISE mask (height×width, values in [0, 1]) for mask index `i` of a seeded run; exposed for tests.
std::vector<float> riseMask(int height, int width, int index, const RiseOptions& options);

// S = (1 / (N·p)) Σ_i f(x ⊙ M_i) · M_i with `score` giving f (the target's softmax probability for the
// published method). Returns a height×width map. Throws std::invalid_argument on bad options.
std::vector<float> riseMap(const PlanarImage& image, const ScoreFn& score, const RiseOptions& options);

} // namespace loupe::compute::attribution
