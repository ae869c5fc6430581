// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/shapes/shape.h"

namespace loupe::annotation {

// Coordinates closer than this (pixels) are the same: a file written and read back moves points by
// float noise, never by this much.
inline constexpr double kSameGeometryEpsilon = 1e-3;

// Whether a and b have the same kind and geometry, every coordinate within epsilon (masks and text
// exactly). Labels, attributes and scores are the caller's to compare: an import compares label names.
bool sameGeometry(const Shape& a, const Shape& b, double epsilon = kSameGeometryEpsilon);

} // namespace loupe::annotation
