// SPDX-License-Identifier: MIT
#include "core/inference/click_simulation.h"

#include "compute/preprocess/sam_mask_polygon.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace loupe::core {

PixelMask PixelMask::fromImage(const QImage& grey)
{
    const QImage g = grey.convertToFormat(QImage::Format_Grayscale8);
    PixelMask m(g.width(), g.height());
    for (int y = 0; y < g.height(); ++y) {
        const uchar* row = g.constScanLine(y);
        for (int x = 0; x < g.width(); ++x)
            m.bits[size_t(y) * size_t(m.width) + size_t(x)] = row[x] ? 1 : 0;
    }
    return m;
}

int PixelMask::area() const
{
    return int(std::count_if(bits.begin(), bits.end(), [](uint8_t b) { return b != 0; }));
}

double maskIou(const PixelMask& a, const PixelMask& b)
{
    if (a.width != b.width || a.height != b.height)
        throw std::invalid_argument("maskIou: the masks differ in size");
    size_t inter = 0, uni = 0;
    for (size_t i = 0; i < a.bits.size(); ++i) {
        const bool x = a.bits[i] != 0, y = b.bits[i] != 0;
        inter += x && y;
        uni += x || y;
    }
    return uni ? double(inter) / double(uni) : 1.0;
}

namespace {

constexpr float kFar = 1e20f;

// One row or column of squared distances, in place (Felzenszwalb & Huttenlocher's lower envelope of
// parabolas). f[i] is 0 on outside pixels and kFar inside.
void edt1d(std::vector<float>& f, std::vector<float>& d, std::vector<int>& v, std::vector<float>& z)
{
    const int n = int(f.size());
    int k = 0;
    v[0] = 0;
    z[0] = -kFar;
    z[1] = kFar;
    for (int q = 1; q < n; ++q) {
        float s = 0;
        for (;;) {
            const int p = v[size_t(k)];
            s = ((f[size_t(q)] + float(q) * float(q)) - (f[size_t(p)] + float(p) * float(p))) /
                (2.f * float(q - p));
            if (s > z[size_t(k)] || k == 0) break;
            --k;
        }
        if (s <= z[size_t(k)]) { // k == 0 and the new parabola hides the first one everywhere
            v[0] = q;
            z[0] = -kFar;
            z[1] = kFar;
            continue;
        }
        ++k;
        v[size_t(k)] = q;
        z[size_t(k)] = s;
        z[size_t(k) + 1] = kFar;
    }
    k = 0;
    for (int q = 0; q < n; ++q) {
        while (z[size_t(k) + 1] < float(q))
            ++k;
        const int p = v[size_t(k)];
        d[size_t(q)] = float(q - p) * float(q - p) + f[size_t(p)];
    }
    f.swap(d);
}

} // namespace

std::vector<float> distanceToBoundary(const PixelMask& region)
{
    // One pixel of outside all round makes the image border a boundary.
    const int W = region.width + 2, H = region.height + 2;
    std::vector<float> grid(size_t(W) * size_t(H), 0.f);
    for (int y = 0; y < region.height; ++y)
        for (int x = 0; x < region.width; ++x)
            if (region.at(x, y)) grid[size_t(y + 1) * size_t(W) + size_t(x + 1)] = kFar;
    const int n = std::max(W, H);
    std::vector<float> f, d(static_cast<size_t>(n));
    std::vector<int> v(static_cast<size_t>(n));
    std::vector<float> z(static_cast<size_t>(n) + 1);
    for (int x = 0; x < W; ++x) {
        f.assign(size_t(H), 0.f);
        d.resize(size_t(H));
        for (int y = 0; y < H; ++y)
            f[size_t(y)] = grid[size_t(y) * size_t(W) + size_t(x)];
        edt1d(f, d, v, z);
        for (int y = 0; y < H; ++y)
            grid[size_t(y) * size_t(W) + size_t(x)] = f[size_t(y)];
    }
    for (int y = 0; y < H; ++y) {
        f.assign(grid.begin() + ptrdiff_t(y) * W, grid.begin() + ptrdiff_t(y + 1) * W);
        d.resize(size_t(W));
        edt1d(f, d, v, z);
        std::copy(f.begin(), f.end(), grid.begin() + ptrdiff_t(y) * W);
    }
    std::vector<float> out(region.bits.size(), 0.f);
    for (int y = 0; y < region.height; ++y)
        for (int x = 0; x < region.width; ++x)
            out[size_t(y) * size_t(region.width) + size_t(x)] =
                std::sqrt(grid[size_t(y + 1) * size_t(W) + size_t(x + 1)]);
    return out;
}

int labelComponents(const PixelMask& mask, std::vector<int>& labels)
{
    const int w = mask.width, h = mask.height;
    labels.assign(mask.bits.size(), 0);
    std::vector<int> stack;
    int count = 0;
    for (int start = 0; start < w * h; ++start) {
        if (!mask.bits[size_t(start)] || labels[size_t(start)]) continue;
        labels[size_t(start)] = ++count;
        stack.push_back(start);
        while (!stack.empty()) {
            const int p = stack.back();
            stack.pop_back();
            const int x = p % w, y = p / w;
            const int next[4] = {x > 0 ? p - 1 : -1, x + 1 < w ? p + 1 : -1, y > 0 ? p - w : -1,
                                 y + 1 < h ? p + w : -1};
            for (int q : next)
                if (q >= 0 && mask.bits[size_t(q)] && !labels[size_t(q)]) {
                    labels[size_t(q)] = count;
                    stack.push_back(q);
                }
        }
    }
    return count;
}

namespace {

// The largest component of `mask` as its own mask, and its area.
PixelMask largestComponent(const PixelMask& mask, int* area)
{
    std::vector<int> labels;
    const int n = labelComponents(mask, labels);
    std::vector<int> sizes(size_t(n) + 1, 0);
    for (int l : labels)
        ++sizes[size_t(l)];
    int best = 0;
    for (int l = 1; l <= n; ++l)
        if (sizes[size_t(l)] > sizes[size_t(best)] || best == 0) best = l;
    PixelMask out(mask.width, mask.height);
    *area = best ? sizes[size_t(best)] : 0;
    for (size_t i = 0; i < labels.size(); ++i)
        out.bits[i] = best && labels[i] == best;
    return out;
}

} // namespace

std::optional<SimulatedClick> nextClick(const PixelMask& truth, const PixelMask& predicted)
{
    if (truth.width != predicted.width || truth.height != predicted.height)
        throw std::invalid_argument("nextClick: the prediction and the truth differ in size");
    PixelMask missed(truth.width, truth.height), extra(truth.width, truth.height);
    for (size_t i = 0; i < truth.bits.size(); ++i) {
        missed.bits[i] = truth.bits[i] && !predicted.bits[i];
        extra.bits[i] = !truth.bits[i] && predicted.bits[i];
    }
    int missedArea = 0, extraArea = 0;
    const PixelMask fn = largestComponent(missed, &missedArea);
    const PixelMask fp = largestComponent(extra, &extraArea);
    if (missedArea == 0 && extraArea == 0) return std::nullopt;
    const bool positive = missedArea >= extraArea;
    const PixelMask& region = positive ? fn : fp;
    const std::vector<float> dist = distanceToBoundary(region);
    const size_t at = size_t(std::max_element(dist.begin(), dist.end()) - dist.begin());
    return SimulatedClick{int(at % size_t(truth.width)), int(at / size_t(truth.width)), positive};
}

ClickRun simulateClicks(const PixelMask& truth, const ClickPredictor& predict, double targetIou,
                        int maxClicks)
{
    ClickRun run;
    PixelMask predicted(truth.width, truth.height);
    for (int k = 1; k <= maxClicks; ++k) {
        const std::optional<SimulatedClick> click = nextClick(truth, predicted);
        if (!click) break;
        run.clicks.push_back(*click);
        predicted = predict(run.clicks);
        if (predicted.width != truth.width || predicted.height != truth.height)
            throw std::runtime_error("the predictor returned a mask of another size than the image");
        run.ious.push_back(maskIou(predicted, truth));
        if (run.ious.back() >= targetIou) {
            run.clicksToTarget = k;
            break;
        }
    }
    return run;
}

int polygonVertexCount(const PixelMask& mask, double tolerance)
{
    int vertices = 0;
    auto outline = [&](const std::vector<int>& labels, int label) {
        std::vector<uint8_t> one(labels.size(), 0);
        for (size_t i = 0; i < labels.size(); ++i)
            one[i] = labels[i] == label;
        vertices += int(compute::maskOutline(one, mask.width, mask.height, tolerance).size());
    };
    std::vector<int> labels;
    const int regions = labelComponents(mask, labels);
    for (int l = 1; l <= regions; ++l)
        outline(labels, l);
    // Holes: background regions that do not reach the image border.
    PixelMask background(mask.width, mask.height);
    for (size_t i = 0; i < mask.bits.size(); ++i)
        background.bits[i] = !mask.bits[i];
    const int parts = labelComponents(background, labels);
    std::vector<bool> touches(size_t(parts) + 1, false);
    for (int y = 0; y < mask.height; ++y)
        for (int x = 0; x < mask.width; ++x)
            if (x == 0 || y == 0 || x + 1 == mask.width || y + 1 == mask.height)
                touches[size_t(labels[size_t(y) * size_t(mask.width) + size_t(x)])] = true;
    for (int l = 1; l <= parts; ++l)
        if (!touches[size_t(l)]) outline(labels, l);
    return vertices;
}

} // namespace loupe::core
