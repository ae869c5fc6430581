// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace loupe::compute {

// The outline of a binary mask's largest 4-connected region as a polygon on pixel corners (pixel x
// covers [x, x+1)), clockwise on screen, simplified with Douglas-Peucker at `tolerance` pixels. Holes
// are not traced: the polygon is the region's outer boundary. Empty when the mask is empty.
std::vector<std::array<double, 2>> maskOutline(const std::vector<uint8_t>& mask, int64_t width,
                                               int64_t height, double tolerance = 1.0);

} // namespace loupe::compute
