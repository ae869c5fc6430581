// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/shapes/geometry.h"

namespace loupe::annotation {

// Signed shoelace area of a polygon (positive when the vertices run clockwise on screen, y down).
double signedArea(const QPolygonF& polygon);
// Area as COCO wants it: |shoelace| for polygons, w*h for boxes, pixel count for masks, 0 otherwise.
double area(const Geometry& g);
// Axis-aligned bounds in image coordinates; null for tags and captions.
QRectF boundingBox(const Geometry& g);
// Distance from p to the segment a-b.
double distanceToSegment(QPointF p, QPointF a, QPointF b);
// Whether p hits the shape: inside an area shape, or within tolerance (image pixels) of an outline,
// line or point. Callers convert an on-screen tolerance to image pixels by dividing by the zoom.
bool hitTest(const Geometry& g, QPointF p, double tolerance);
// The geometry moved by delta. Masks move by whole pixels (delta rounded), clipped to the image.
Geometry translated(const Geometry& g, QPointF delta);

} // namespace loupe::annotation
