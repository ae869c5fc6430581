// SPDX-License-Identifier: MIT
#pragma once

#include <QImage>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace loupe::core {

// The standard interactive-segmentation protocol of the click-based papers (NoC@85), run against a known
// mask: every click goes to the pixel farthest from the boundary of the largest error region of the
// current prediction, positive on a missed region, negative on a false one. The first click, with
// nothing predicted yet, is therefore the object's most interior pixel.

// A binary mask, row-major, one byte per pixel (non-zero inside).
struct PixelMask
{
    int width = 0, height = 0;
    std::vector<uint8_t> bits;

    PixelMask() = default;
    PixelMask(int w, int h) : width(w), height(h), bits(size_t(w) * size_t(h), 0) {}
    static PixelMask fromImage(const QImage& grey); // non-zero grey (any format, via Grayscale8) is inside
    bool at(int x, int y) const { return bits[size_t(y) * size_t(width) + size_t(x)] != 0; }
    int area() const;
};

// A click on pixel (x, y) of the image (integer pixel indices, as a person clicking that pixel).
struct SimulatedClick
{
    int x = 0, y = 0;
    bool positive = true;
};

// |a & b| / |a | b|; 1 when both are empty. The masks must have one size.
double maskIou(const PixelMask& a, const PixelMask& b);

// Euclidean distance of every inside pixel to the nearest outside pixel, the image border counting as
// outside (0 outside). Exact (Felzenszwalb-Huttenlocher), row-major like `region`.
std::vector<float> distanceToBoundary(const PixelMask& region);

// 4-connected components of the inside pixels: label per pixel (0 outside, 1..n) and the count n.
int labelComponents(const PixelMask& mask, std::vector<int>& labels);

// The protocol's next click for `predicted` against `truth`; nullopt when they agree everywhere. Ties
// in region size go to the missed region, ties in distance to the first pixel in row-major order.
std::optional<SimulatedClick> nextClick(const PixelMask& truth, const PixelMask& predicted);

// The mask a model predicts for all clicks so far (in order; the last one is new).
using ClickPredictor = std::function<PixelMask(const std::vector<SimulatedClick>&)>;

struct ClickRun
{
    std::vector<SimulatedClick> clicks;
    std::vector<double> ious; // IoU against the truth after each click
    int clicksToTarget = -1;  // clicks until IoU >= target; -1 when never reached
    bool reached() const { return clicksToTarget > 0; }
    // NoC of the papers: the clicks to the target, or the click limit when it was not reached.
    int noc(int maxClicks) const { return reached() ? clicksToTarget : maxClicks; }
};

// Clicks until the prediction reaches `targetIou` or `maxClicks` were placed (or nothing is wrong).
ClickRun simulateClicks(const PixelMask& truth, const ClickPredictor& predict, double targetIou = 0.85,
                        int maxClicks = 20);

// Vertices a person would place to draw `mask` as polygons: each 4-connected region's outline and each
// hole's outline (compute::maskOutline, Douglas-Peucker at `tolerance` pixels), summed.
int polygonVertexCount(const PixelMask& mask, double tolerance = 1.0);

} // namespace loupe::core
