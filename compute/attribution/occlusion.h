// SPDX-License-Identifier: MIT
#pragma once

#include "compute/attribution/faithfulness.h"

#include <vector>

namespace loupe::compute::attribution {

struct OcclusionOptions
{
    int window = 16;       // square window side in pixels
    int stride = 8;        // step between windows; the last row/column of windows is clamped to the edge
    float baseline = 0.0f; // value written into the window (0 = the mean colour after normalisation)
    int batchSize = 16;    // occluded images scored per callback
};

// S(window) = f(x) − f(x with the window set to the baseline), averaged over the windows covering each
// pixel (pixels no window covers get 0). Returns a height×width map, row-major. Model-agnostic: `score`
// is the whole interface. Throws std::invalid_argument on bad options.
std::vector<float> occlusionMap(const PlanarImage& image, const ScoreFn& score,
                                const OcclusionOptions& options);

// Mean of a height×width pixel map over each patch of a rows×cols grid (e.g. to store a pixel map on the
// model's patch grid).
std::vector<float> poolToGrid(const std::vector<float>& map, int height, int width, int rows, int cols);

} // namespace loupe::compute::attribution
