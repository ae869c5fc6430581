// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace loupe::compute::attribution {

// An image as the model sees it: float32 planar [channels, height, width] (already preprocessed).
struct PlanarImage
{
    int channels = 0;
    int height = 0;
    int width = 0;
    std::vector<float> data;
};

// Scores a batch of images for the explained target (e.g. the softmax probability of the class).
// Methods never know the model: this callback is the whole interface.
using ScoreFn = std::function<std::vector<float>(const std::vector<const PlanarImage*>& batch)>;

struct Curve
{
    std::vector<float> fractions; // share of pixels changed, ascending from 0
    std::vector<float> scores;    // target score after changing that share
    float auc = 0.0f;             // trapezoid area over fractions in [0, 1]
};

// Curve resolution beyond this adds forward passes and nothing a plot or an AUC can show.
inline constexpr int kMaxCurveSteps = 1000;

struct CurveOptions
{
    int steps = 20;    // deletion/insertion: fractions 0, 1/steps, ..., 1
    int batchSize = 8; // images scored per callback
};

// Pixels ranked by relevance, most relevant first; ties keep pixel order so results are reproducible.
std::vector<int> rankPixels(const std::vector<float>& relevance);

// Deletion (RISE): replace pixels by the substrate in relevance order. Lower AUC = more faithful.
Curve deletionCurve(const PlanarImage& image, const std::vector<float>& relevance,
                    const PlanarImage& substrate, const ScoreFn& score, const CurveOptions& options = {});
// Insertion (RISE): start from the substrate (usually blurred) and restore pixels. Higher AUC = more
// faithful.
Curve insertionCurve(const PlanarImage& image, const std::vector<float>& relevance,
                     const PlanarImage& substrate, const ScoreFn& score, const CurveOptions& options = {});
// Chefer et al. perturbation: remove 0 %, 10 %, ..., 90 % of the pixels, most relevant first (positive,
// lower AUC is better) or least relevant first (negative, higher is better).
Curve perturbationCurve(const PlanarImage& image, const std::vector<float>& relevance,
                        const PlanarImage& substrate, bool positive, const ScoreFn& score, int batchSize = 8);

// Gaussian blur per channel (separable, edges clamped); RISE's insertion substrate uses k = 11, σ = 5.
PlanarImage gaussianBlur(const PlanarImage& image, int kernelSize = 11, float sigma = 5.0f);

// Pointing game: does the map's maximum fall inside the mask, allowing `tolerance` pixels of slack?
bool pointingHit(const std::vector<float>& map, const std::vector<uint8_t>& mask, int height, int width,
                 int tolerance);
// Share of the positive relevance that lies inside the mask (0 when the map has no positive mass).
float positiveRelevanceInside(const std::vector<float>& map, const std::vector<uint8_t>& mask);
// Spearman rank correlation (average ranks for ties): the model-randomisation sanity check compares maps.
float spearman(const std::vector<float>& a, const std::vector<float>& b);
// Trapezoid area of scores over fractions.
float trapezoidArea(const std::vector<float>& fractions, const std::vector<float>& scores);

} // namespace loupe::compute::attribution
