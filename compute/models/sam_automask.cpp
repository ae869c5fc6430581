// SPDX-License-Identifier: MIT
#include "compute/models/sam_automask.h"

#include "compute/error.h"
#include "compute/preprocess/sam_prompts.h"

#include <algorithm>
#include <numeric>

namespace loupe::compute::sam {

AutomaskOptions AutomaskOptions::forModel(const SamConfig& config)
{
    AutomaskOptions o;
    o.pointsPerSide = int(std::clamp<int64_t>(2 * config.vision.grid(), 4, 32));
    return o;
}

double stabilityScore(const float* logits, int64_t count, double threshold, double offset)
{
    const float hi = float(threshold + offset), lo = float(threshold - offset);
    int64_t inter = 0, uni = 0;
    for (int64_t i = 0; i < count; ++i) {
        inter += logits[i] > hi;
        uni += logits[i] > lo;
    }
    return uni ? double(inter) / double(uni) : 0.0;
}

std::array<int64_t, 4> maskBox(const uint8_t* mask, int64_t width, int64_t height)
{
    int64_t x0 = width, y0 = height, x1 = -1, y1 = -1;
    for (int64_t y = 0; y < height; ++y) {
        const uint8_t* row = mask + y * width;
        const uint8_t* first = std::find_if(row, row + width, [](uint8_t v) { return v != 0; });
        if (first == row + width) continue;
        int64_t last = width - 1;
        while (!row[last])
            --last;
        x0 = std::min<int64_t>(x0, first - row);
        x1 = std::max(x1, last);
        y0 = std::min(y0, y);
        y1 = y;
    }
    if (x1 < 0) return {0, 0, 0, 0};
    return {x0, y0, x1, y1};
}

double boxIou(const std::array<int64_t, 4>& a, const std::array<int64_t, 4>& b)
{
    const double areaA = double(a[2] - a[0]) * double(a[3] - a[1]);
    const double areaB = double(b[2] - b[0]) * double(b[3] - b[1]);
    const double w = std::max<double>(0, double(std::min(a[2], b[2]) - std::max(a[0], b[0])));
    const double h = std::max<double>(0, double(std::min(a[3], b[3]) - std::max(a[1], b[1])));
    const double inter = w * h, uni = areaA + areaB - inter;
    return uni > 0 ? inter / uni : 0.0;
}

std::vector<size_t> boxNms(const std::vector<std::array<int64_t, 4>>& boxes,
                           const std::vector<double>& scores, double iouThreshold)
{
    if (boxes.size() != scores.size())
        throw Error("sam", "box NMS needs one score per box (" + std::to_string(boxes.size()) + " boxes, " +
                               std::to_string(scores.size()) + " scores)");
    std::vector<size_t> order(boxes.size());
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] > scores[b]; });
    std::vector<size_t> kept;
    for (size_t i : order) {
        bool suppressed = false;
        for (size_t k : kept)
            if (boxIou(boxes[i], boxes[k]) > iouThreshold) {
                suppressed = true;
                break;
            }
        if (!suppressed) kept.push_back(i);
    }
    return kept;
}

namespace {

// 8-connected components of the pixels equal to `value`: a label per pixel (0 for other pixels,
// components from 1) and each component's size (index 0 unused).
std::vector<int64_t> components(const std::vector<uint8_t>& mask, int64_t w, int64_t h, uint8_t value,
                                std::vector<int32_t>& labels)
{
    labels.assign(mask.size(), 0);
    std::vector<int64_t> sizes{0};
    std::vector<int64_t> stack;
    for (int64_t start = 0; start < w * h; ++start) {
        if ((mask[size_t(start)] != 0) != (value != 0) || labels[size_t(start)]) continue;
        const auto label = int32_t(sizes.size());
        int64_t size = 0;
        stack.push_back(start);
        labels[size_t(start)] = label;
        while (!stack.empty()) {
            const int64_t p = stack.back();
            stack.pop_back();
            ++size;
            const int64_t px = p % w, py = p / w;
            for (int64_t dy = -1; dy <= 1; ++dy)
                for (int64_t dx = -1; dx <= 1; ++dx) {
                    const int64_t x = px + dx, y = py + dy;
                    if (x < 0 || y < 0 || x >= w || y >= h) continue;
                    const int64_t q = y * w + x;
                    if (labels[size_t(q)] || (mask[size_t(q)] != 0) != (value != 0)) continue;
                    labels[size_t(q)] = label;
                    stack.push_back(q);
                }
        }
        sizes.push_back(size);
    }
    return sizes;
}

} // namespace

bool removeSmallRegions(std::vector<uint8_t>& mask, int64_t width, int64_t height, int64_t minArea,
                        RegionKind kind)
{
    if (int64_t(mask.size()) != width * height)
        throw Error("sam", "a mask of " + std::to_string(mask.size()) + " bytes is not " +
                               std::to_string(width) + "x" + std::to_string(height));
    const bool holes = kind == RegionKind::Holes;
    std::vector<int32_t> labels;
    const std::vector<int64_t> sizes = components(mask, width, height, holes ? 0 : 1, labels);
    std::vector<uint8_t> small(sizes.size(), 0);
    bool any = false;
    for (size_t i = 1; i < sizes.size(); ++i)
        if (sizes[i] < minArea) small[i] = 1, any = true;
    if (!any) return false;
    if (holes) {
        for (size_t p = 0; p < mask.size(); ++p)
            if (labels[p] && small[size_t(labels[p])]) mask[p] = 1;
        return true;
    }
    // Islands: keep the large ones, or the largest when none is large.
    std::vector<uint8_t> keep(sizes.size(), 0);
    bool kept = false;
    for (size_t i = 1; i < sizes.size(); ++i)
        if (!small[i]) keep[i] = 1, kept = true;
    if (!kept) keep[size_t(std::max_element(sizes.begin() + 1, sizes.end()) - sizes.begin())] = 1;
    for (size_t p = 0; p < mask.size(); ++p)
        mask[p] = labels[p] && keep[size_t(labels[p])] ? 1 : 0;
    return true;
}

std::vector<std::array<double, 2>> pointGrid(int n)
{
    std::vector<std::array<double, 2>> grid;
    if (n <= 0) return grid;
    const double offset = 1.0 / (2.0 * n);
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x) // np.linspace(offset, 1 - offset, n)
            grid.push_back({n == 1 ? offset : offset + (1.0 - 2 * offset) * x / (n - 1),
                            n == 1 ? offset : offset + (1.0 - 2 * offset) * y / (n - 1)});
    return grid;
}

AutomaskGenerator::AutomaskGenerator(SamModel model, AutomaskOptions options)
    : model_(std::move(model)), options_(options)
{
    if (options_.pointsPerSide <= 0 || options_.pointsPerBatch <= 0)
        throw Error("sam", "the automatic mask generator needs points per side and per batch above 0");
}

std::vector<AutoMask> AutomaskGenerator::generate(const Tensor& embedding, std::array<int64_t, 2> original,
                                                  std::array<int64_t, 2> resized,
                                                  const std::function<bool()>& canceled) const
{
    const AutomaskOptions& o = options_;
    const int64_t H = original[0], W = original[1], pad = model_.config().vision.imageSize;
    const std::vector<std::array<double, 2>> grid = pointGrid(o.pointsPerSide);
    std::vector<AutoMask> found;
    for (size_t start = 0; start < grid.size(); start += size_t(o.pointsPerBatch)) {
        if (canceled && canceled()) return {};
        const size_t end = std::min(grid.size(), start + size_t(o.pointsPerBatch));
        std::vector<Prompt> prompts;
        std::vector<std::array<double, 2>> sourcePoints;
        for (size_t i = start; i < end; ++i) {
            const std::array<double, 2> p{grid[i][0] * double(W), grid[i][1] * double(H)};
            Prompt prompt;
            prompt.points = {samRescalePoint(p, original, resized)};
            prompt.labels = {1};
            prompts.push_back(std::move(prompt));
            sourcePoints.push_back(p);
        }
        const std::vector<MaskPrediction> preds = model_.decodeBatch(embedding, prompts, true);
        for (size_t b = 0; b < preds.size(); ++b) {
            for (int64_t m = 0; m < preds[b].masks.size(0); ++m) {
                const double iou = preds[b].iou[size_t(m)];
                // The IoU filter first: it needs no pixels, and the upscaling is the costly part.
                if (o.predIouThresh > 0 && !(iou > o.predIouThresh)) continue;
                const std::vector<float> logits =
                    samUpscaleLogits(preds[b].masks.select(0, m), pad, resized, original);
                const double stability = stabilityScore(logits.data(), int64_t(logits.size()),
                                                        o.maskThreshold, o.stabilityScoreOffset);
                if (o.stabilityScoreThresh > 0 && !(stability >= o.stabilityScoreThresh)) continue;
                AutoMask a;
                a.mask.resize(logits.size());
                const auto threshold = float(o.maskThreshold);
                for (size_t i = 0; i < logits.size(); ++i)
                    a.mask[i] = logits[i] > threshold ? 1 : 0;
                a.box = maskBox(a.mask.data(), W, H);
                a.predictedIou = iou;
                a.stabilityScore = stability;
                a.point = sourcePoints[b];
                found.push_back(std::move(a));
            }
        }
    }
    auto nms = [&](const std::vector<double>& scores) {
        std::vector<std::array<int64_t, 4>> boxes;
        for (const AutoMask& a : found)
            boxes.push_back(a.box);
        std::vector<AutoMask> kept;
        for (size_t i : boxNms(boxes, scores, o.boxNmsThresh))
            kept.push_back(std::move(found[i]));
        found = std::move(kept);
    };
    std::vector<double> iouScores;
    for (const AutoMask& a : found)
        iouScores.push_back(a.predictedIou);
    nms(iouScores);
    if (o.minMaskRegionArea > 0) {
        // As SAM: clean every mask, then NMS again preferring the masks that needed no cleaning.
        std::vector<double> unchanged;
        for (AutoMask& a : found) {
            const bool holes = removeSmallRegions(a.mask, W, H, o.minMaskRegionArea, RegionKind::Holes);
            const bool islands = removeSmallRegions(a.mask, W, H, o.minMaskRegionArea, RegionKind::Islands);
            if (holes || islands) a.box = maskBox(a.mask.data(), W, H);
            unchanged.push_back(holes || islands ? 0.0 : 1.0);
        }
        nms(unchanged);
        std::stable_sort(found.begin(), found.end(), [](const AutoMask& a, const AutoMask& b) {
            return a.predictedIou > b.predictedIou;
        });
    }
    for (AutoMask& a : found)
        a.area = std::count(a.mask.begin(), a.mask.end(), uint8_t(1));
    return found;
}

} // namespace loupe::compute::sam
