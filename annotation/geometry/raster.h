// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/geometry/rle.h"

#include <QPointF>
#include <QPolygonF>
#include <vector>

namespace loupe::annotation {

// Sets every pixel whose centre lies inside the polygon (even-odd rule), in an image of width x height.
RleMask polygonToMask(const QPolygonF& polygon, int width, int height);

// The outlines of a mask along pixel edges, collinear vertices removed. Outer boundaries have positive
// signedArea(), holes negative; each polygon is one closed loop. Diagonally touching pixels belong to
// separate loops (4-connectivity), so outline -> polygonToMask gives the mask back exactly.
struct MaskOutline
{
    std::vector<QPolygonF> outer;
    std::vector<QPolygonF> holes;
};
MaskOutline maskToPolygons(const RleMask& mask);

// Brush and eraser: sets (or clears) every pixel whose centre lies within radius of the segment
// from-to. A single dab is from == to.
void paintStroke(RleMask& mask, QPointF from, QPointF to, double radius, bool set);

} // namespace loupe::annotation
