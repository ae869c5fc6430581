// SPDX-License-Identifier: MIT
#include "core/explain/quality.h"

#include "compute/attribution/attention_maps.h"
#include "compute/error.h"

#include <algorithm>
#include <string>

namespace loupe::core {

using namespace compute::attribution;

namespace {

void checkFits(const std::vector<float>& map, int rows, int cols, const QualityMask& mask)
{
    if (rows < 1 || cols < 1 || map.size() != size_t(rows) * size_t(cols))
        throw compute::Error("explanation quality", "the map has " + std::to_string(map.size()) +
                                                        " values for a " + std::to_string(rows) + "×" +
                                                        std::to_string(cols) + " patch grid");
    if (mask.width < 1 || mask.height < 1 || mask.pixels.size() != size_t(mask.width) * size_t(mask.height))
        throw compute::Error("explanation quality", "malformed mask");
}

std::vector<float> onMask(const std::vector<float>& map, int rows, int cols, const QualityMask& mask)
{
    checkFits(map, rows, cols, mask);
    return upsampleBilinear(map, rows, cols, mask.height, mask.width);
}

} // namespace

bool QualityMask::empty() const
{
    return std::none_of(pixels.begin(), pixels.end(), [](uint8_t v) { return v != 0; });
}

bool pointingWithinOnePatch(const std::vector<float>& map, int rows, int cols, const QualityMask& mask)
{
    const std::vector<float> up = onMask(map, rows, cols, mask);
    const int W = mask.width, H = mask.height;
    const int tx = (W + cols - 1) / cols, ty = (H + rows - 1) / rows;
    const size_t best = size_t(std::max_element(up.begin(), up.end()) - up.begin());
    const int by = int(best / size_t(W)), bx = int(best % size_t(W));
    for (int y = std::max(0, by - ty); y <= std::min(H - 1, by + ty); ++y)
        for (int x = std::max(0, bx - tx); x <= std::min(W - 1, bx + tx); ++x)
            if (mask.pixels[size_t(y) * W + x]) return true;
    return false;
}

float positiveShareInside(const std::vector<float>& map, int rows, int cols, const QualityMask& mask)
{
    return positiveRelevanceInside(onMask(map, rows, cols, mask), mask.pixels);
}

QualitySubstrates riseSubstrates(const PlanarImage& input)
{
    QualitySubstrates s{input, gaussianBlur(input, 11, 5.0f)};
    std::fill(s.deletion.data.begin(), s.deletion.data.end(), 0.0f);
    return s;
}

MapQuality scoreMap(const std::vector<float>& map, int rows, int cols, const QualityMask& mask,
                    const PlanarImage& input, const QualitySubstrates& substrates, const ScoreFn& score,
                    const MapQualityOptions& options)
{
    MapQuality q;
    q.pointing = pointingWithinOnePatch(map, rows, cols, mask);
    q.inside = positiveShareInside(map, rows, cols, mask);
    const std::vector<float> rel = upsampleBilinear(map, rows, cols, input.height, input.width);
    CurveOptions co;
    co.steps = options.steps;
    co.batchSize = options.batchSize;
    q.deletion = deletionCurve(input, rel, substrates.deletion, score, co);
    q.insertion = insertionCurve(input, rel, substrates.insertion, score, co);
    return q;
}

float randomisationCorrelation(const std::vector<float>& trained, const std::vector<float>& randomised)
{
    if (trained.size() != randomised.size())
        throw compute::Error("explanation quality",
                             "the trained and the re-initialised model's maps differ in size (" +
                                 std::to_string(trained.size()) + " vs " + std::to_string(randomised.size()) +
                                 ")");
    return spearman(trained, randomised);
}

} // namespace loupe::core
