// SPDX-License-Identifier: MIT
#pragma once

#include "views/explain/colormap.h"

#include <QImage>
#include <QPoint>
#include <vector>

namespace loupe::views {

// Drawing a patch-grid map (rows × cols, raw values, rows first): upsampled bilinearly to the target
// size exactly as compute::attribution::upsampleBilinear does (align_corners = false), min–max
// normalised over the grid (bilinear weights never leave the grid's range, so this equals normalising
// the upsampled map), then coloured. Shared by the canvas layer, the thumbnails and the exports.

// Opaque where the normalised value is ≥ threshold, transparent below. ARGB32.
QImage renderHeatMap(const std::vector<float>& grid, int rows, int cols, QSize size, Colormap map,
                     double threshold = 0.0);
// The normalised map as 8-bit grey (0 = the grid's minimum, 255 = its maximum).
QImage renderGrey(const std::vector<float>& grid, int rows, int cols, QSize size);
// `heat` over `base` (same size) at `opacity`, as the canvas shows it; RGB888.
QImage blendOver(const QImage& base, const QImage& heat, double opacity);

// The raw upsampled value at one pixel of a map drawn at `size` (what upsampleBilinear gives there).
float sampleBilinear(const std::vector<float>& grid, int rows, int cols, QSize size, QPoint pixel);

} // namespace loupe::views
