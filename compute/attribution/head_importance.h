// SPDX-License-Identifier: MIT
#pragma once

#include <functional>
#include <vector>

namespace loupe::compute::attribution {

// Scores a batch of head masks: `masks` holds batch × (layers·heads) multipliers (1 keeps a head, 0
// removes its output before the output projection); returns the target (e.g. its logit) per mask.
// The model behind it is the caller's business (VitRunOptions::headMask for the engine's ViTs).
using HeadMaskScoreFn = std::function<std::vector<float>(const std::vector<float>& masks, int batch)>;

struct HeadImportance
{
    int layers = 0;
    int heads = 0;
    float baseline = 0.0f;         // target with every head kept
    std::vector<float> delta;      // [layers, heads]: baseline − target with that head removed
    std::vector<float> layerDelta; // [layers]: baseline − target with the whole layer's attention removed
};

// L·H single-head ablations plus L whole-layer ablations, `batchSize` masks per callback.
HeadImportance headImportance(int layers, int heads, const HeadMaskScoreFn& score, int batchSize = 8);

} // namespace loupe::compute::attribution
