// SPDX-License-Identifier: MIT
#pragma once

#include "compute/attribution/faithfulness.h"

#include <cstdint>
#include <vector>

namespace loupe::core {

// Explanation quality against known truth, for one map: the scoring of issue 7's harness as pure functions
// of (map on the patch grid, object mask, score function). Nothing here knows a model; the dataset runner
// (quality_dataset.h) feeds it real ones, the tests feed it toys whose numbers can be worked out by hand.

// The target object's pixels at the image's own resolution, row-major, non-zero = object.
struct QualityMask
{
    int width = 0;
    int height = 0;
    std::vector<uint8_t> pixels;
    bool empty() const;
};

// The map's maximum (after bilinear upsampling to the mask's resolution; the first maximum in row-major
// order on ties) lies inside the mask or within one patch of it: ceil(width / cols) pixels across and
// ceil(height / rows) down, so non-square images get their own slack per axis.
bool pointingWithinOnePatch(const std::vector<float>& map, int rows, int cols, const QualityMask& mask);

// Share of the positive relevance (upsampled to the mask) inside the mask; 0 when nothing is positive.
float positiveShareInside(const std::vector<float>& map, int rows, int cols, const QualityMask& mask);

// The images a deletion/insertion curve starts from or moves towards, at the model input's resolution.
struct QualitySubstrates
{
    compute::attribution::PlanarImage deletion;  // what deleted pixels become (RISE: zeros)
    compute::attribution::PlanarImage insertion; // what insertion starts from (RISE: Gaussian blur)
};
// RISE's substrates: zeros for deletion, Gaussian blur (kernel 11, σ 5) for insertion.
QualitySubstrates riseSubstrates(const compute::attribution::PlanarImage& input);

struct MapQuality
{
    bool pointing = false;
    float inside = 0.0f;
    compute::attribution::Curve deletion;  // lower AUC = more faithful
    compute::attribution::Curve insertion; // higher AUC = more faithful
};

struct MapQualityOptions
{
    int steps = 16;     // curve points at 0, 1/steps, ..., 1 of the pixels
    int batchSize = 16; // images per score call
};

// Every per-image metric of one map. `input` is what the model sees; the map is upsampled bilinearly to
// its resolution to rank pixels for the curves, and to the mask's for pointing and the inside share.
// Throws compute::Error when sizes do not fit.
MapQuality scoreMap(const std::vector<float>& map, int rows, int cols, const QualityMask& mask,
                    const compute::attribution::PlanarImage& input, const QualitySubstrates& substrates,
                    const compute::attribution::ScoreFn& score, const MapQualityOptions& options = {});

// The model-randomisation check: Spearman rank correlation of the two maps on the patch grid (a map that
// barely changes when the weights are re-initialised is not explaining the model).
float randomisationCorrelation(const std::vector<float>& trained, const std::vector<float>& randomised);

} // namespace loupe::core
