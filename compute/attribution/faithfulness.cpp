// SPDX-License-Identifier: MIT
#include "compute/attribution/faithfulness.h"

#include "compute/error.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

namespace loupe::compute::attribution {

namespace {

void checkImages(const PlanarImage& image, const std::vector<float>& relevance, const PlanarImage& substrate)
{
    const size_t plane = size_t(image.height) * image.width;
    if (image.channels <= 0 || plane == 0 || image.data.size() != plane * image.channels)
        throw Error("faithfulness: malformed image");
    if (relevance.size() != plane)
        throw Error("faithfulness: relevance map has " + std::to_string(relevance.size()) +
                    " values, image has " + std::to_string(plane) + " pixels");
    if (substrate.channels != image.channels || substrate.height != image.height ||
        substrate.width != image.width || substrate.data.size() != image.data.size())
        throw Error("faithfulness: substrate and image differ in shape");
}

void copyPixels(PlanarImage& dst, const PlanarImage& src, const std::vector<int>& order, size_t from,
                size_t to)
{
    const size_t plane = size_t(dst.height) * dst.width;
    for (int c = 0; c < dst.channels; ++c) {
        float* d = dst.data.data() + c * plane;
        const float* s = src.data.data() + c * plane;
        for (size_t i = from; i < to; ++i)
            d[order[i]] = s[order[i]];
    }
}

// Walks `counts` (ascending numbers of pixels taken from `source` into a copy of `start`), scoring in
// batches.
Curve runCurve(const PlanarImage& start, const PlanarImage& source, const std::vector<int>& order,
               const std::vector<size_t>& counts, const ScoreFn& score, int batchSize)
{
    Curve curve;
    const size_t plane = order.size();
    PlanarImage current = start;
    size_t done = 0;
    std::vector<PlanarImage> pending;
    auto flush = [&] {
        if (pending.empty()) return;
        std::vector<const PlanarImage*> batch;
        for (const PlanarImage& p : pending)
            batch.push_back(&p);
        const std::vector<float> s = score(batch);
        if (s.size() != pending.size())
            throw Error("faithfulness: score callback returned " + std::to_string(s.size()) + " values for " +
                        std::to_string(pending.size()) + " images");
        curve.scores.insert(curve.scores.end(), s.begin(), s.end());
        pending.clear();
    };
    for (size_t count : counts) {
        copyPixels(current, source, order, done, count);
        done = count;
        pending.push_back(current);
        curve.fractions.push_back(float(double(count) / double(plane)));
        if (int(pending.size()) >= std::max(1, batchSize)) flush();
    }
    flush();
    curve.auc = trapezoidArea(curve.fractions, curve.scores);
    return curve;
}

std::vector<size_t> evenCounts(size_t plane, int steps)
{
    // More points than pixels repeat counts; the clamp also keeps a huge `steps` from allocating.
    steps = int(std::min<size_t>(size_t(std::max(1, steps)), std::max<size_t>(plane, 1)));
    std::vector<size_t> counts;
    for (int i = 0; i <= steps; ++i)
        counts.push_back(size_t(std::llround(double(plane) * i / steps)));
    return counts;
}

std::vector<float> averageRanks(const std::vector<float>& v)
{
    std::vector<int> idx(v.size());
    std::iota(idx.begin(), idx.end(), 0);
    std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) { return v[size_t(a)] < v[size_t(b)]; });
    std::vector<float> ranks(v.size());
    for (size_t i = 0; i < idx.size();) {
        size_t j = i;
        while (j + 1 < idx.size() && v[size_t(idx[j + 1])] == v[size_t(idx[i])])
            ++j;
        const float r = float(i + j) / 2.0f;
        for (size_t k = i; k <= j; ++k)
            ranks[size_t(idx[k])] = r;
        i = j + 1;
    }
    return ranks;
}

} // namespace

std::vector<int> rankPixels(const std::vector<float>& relevance)
{
    std::vector<int> order(relevance.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return relevance[size_t(a)] > relevance[size_t(b)]; });
    return order;
}

Curve deletionCurve(const PlanarImage& image, const std::vector<float>& relevance,
                    const PlanarImage& substrate, const ScoreFn& score, const CurveOptions& options)
{
    checkImages(image, relevance, substrate);
    return runCurve(image, substrate, rankPixels(relevance), evenCounts(relevance.size(), options.steps),
                    score, options.batchSize);
}

Curve insertionCurve(const PlanarImage& image, const std::vector<float>& relevance,
                     const PlanarImage& substrate, const ScoreFn& score, const CurveOptions& options)
{
    checkImages(image, relevance, substrate);
    return runCurve(substrate, image, rankPixels(relevance), evenCounts(relevance.size(), options.steps),
                    score, options.batchSize);
}

Curve perturbationCurve(const PlanarImage& image, const std::vector<float>& relevance,
                        const PlanarImage& substrate, bool positive, const ScoreFn& score, int batchSize)
{
    checkImages(image, relevance, substrate);
    std::vector<int> order = rankPixels(relevance);
    if (!positive) std::reverse(order.begin(), order.end());
    std::vector<size_t> counts;
    for (int i = 0; i <= 9; ++i)
        counts.push_back(size_t(std::llround(double(order.size()) * i / 10.0)));
    return runCurve(image, substrate, order, counts, score, batchSize);
}

PlanarImage gaussianBlur(const PlanarImage& image, int kernelSize, float sigma)
{
    if (kernelSize < 1 || kernelSize % 2 == 0 || !(sigma > 0.0f))
        throw Error("gaussian blur: kernel size must be odd and sigma positive");
    const int r = kernelSize / 2;
    std::vector<float> k(static_cast<size_t>(kernelSize));
    float sum = 0.0f;
    for (int i = -r; i <= r; ++i)
        sum += k[size_t(i + r)] = std::exp(-float(i * i) / (2.0f * sigma * sigma));
    for (float& x : k)
        x /= sum;
    PlanarImage out = image;
    const int h = image.height, w = image.width;
    std::vector<float> tmp(size_t(h) * w);
    for (int c = 0; c < image.channels; ++c) {
        const float* src = image.data.data() + size_t(c) * h * w;
        float* dst = out.data.data() + size_t(c) * h * w;
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                float s = 0.0f;
                for (int i = -r; i <= r; ++i)
                    s += k[size_t(i + r)] * src[size_t(y) * w + std::clamp(x + i, 0, w - 1)];
                tmp[size_t(y) * w + x] = s;
            }
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                float s = 0.0f;
                for (int i = -r; i <= r; ++i)
                    s += k[size_t(i + r)] * tmp[size_t(std::clamp(y + i, 0, h - 1)) * w + x];
                dst[size_t(y) * w + x] = s;
            }
    }
    return out;
}

bool pointingHit(const std::vector<float>& map, const std::vector<uint8_t>& mask, int height, int width,
                 int tolerance)
{
    if (map.size() != size_t(height) * width || mask.size() != map.size() || map.empty())
        throw Error("pointing game: map and mask sizes differ");
    const size_t best = size_t(std::max_element(map.begin(), map.end()) - map.begin());
    const int by = int(best / size_t(width)), bx = int(best % size_t(width));
    for (int y = std::max(0, by - tolerance); y <= std::min(height - 1, by + tolerance); ++y)
        for (int x = std::max(0, bx - tolerance); x <= std::min(width - 1, bx + tolerance); ++x)
            if (mask[size_t(y) * width + x]) return true;
    return false;
}

float positiveRelevanceInside(const std::vector<float>& map, const std::vector<uint8_t>& mask)
{
    if (map.size() != mask.size()) throw Error("relevance inside mask: sizes differ");
    double inside = 0.0, total = 0.0;
    for (size_t i = 0; i < map.size(); ++i) {
        const double v = std::max(0.0f, map[i]);
        total += v;
        if (mask[i]) inside += v;
    }
    return total > 0.0 ? float(inside / total) : 0.0f;
}

float spearman(const std::vector<float>& a, const std::vector<float>& b)
{
    if (a.size() != b.size() || a.size() < 2) throw Error("spearman: need two maps of the same size");
    const std::vector<float> ra = averageRanks(a), rb = averageRanks(b);
    const double mean = (double(a.size()) - 1.0) / 2.0;
    double num = 0.0, da = 0.0, db = 0.0;
    for (size_t i = 0; i < a.size(); ++i) {
        const double x = ra[i] - mean, y = rb[i] - mean;
        num += x * y;
        da += x * x;
        db += y * y;
    }
    return (da > 0.0 && db > 0.0) ? float(num / std::sqrt(da * db)) : 0.0f;
}

float trapezoidArea(const std::vector<float>& fractions, const std::vector<float>& scores)
{
    if (fractions.size() != scores.size()) throw Error("trapezoid: sizes differ");
    double area = 0.0;
    for (size_t i = 1; i < fractions.size(); ++i)
        area += double(fractions[i] - fractions[i - 1]) * (scores[i] + scores[i - 1]) / 2.0;
    return float(area);
}

} // namespace loupe::compute::attribution
