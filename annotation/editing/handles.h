// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/shapes/shape.h"

#include <optional>
#include <vector>

namespace loupe::annotation {

// The grips an editor shows on a selected shape, and what dragging one does to the geometry. Pure
// geometry in image coordinates: the canvas turns its screen-pixel tolerances into image pixels first.
enum class HandleKind {
    Vertex, // a polygon/polyline vertex, the point of a point shape, a keypoint
    Corner, // rectangle or rotated-rectangle corner: 0 top-left, 1 top-right, 2 bottom-right, 3 bottom-left
    Edge,   // middle of a side: 0 top, 1 right, 2 bottom, 3 left
    Rotate, // above the top side of a rotated rectangle
};

struct Handle
{
    HandleKind kind = HandleKind::Vertex;
    int index = 0;
    QPointF pos;
    bool operator==(const Handle&) const = default;
};

// Handles of a geometry. rotateDistance: how far (image pixels) the rotate handle sits above the top
// side, so it stays the same distance on screen at any zoom. Keypoints that are not labelled have none.
std::vector<Handle> handlesOf(const Geometry& g, double rotateDistance);

// The handle nearest to p within tolerance (image pixels), if any.
std::optional<Handle> handleAt(const Geometry& g, QPointF p, double tolerance, double rotateDistance);

// The geometry after moving handle h to p: a corner or edge drag keeps the opposite corner or side in
// place (in the rectangle's own frame when rotated); the rotate handle turns about the centre.
Geometry dragHandle(const Geometry& g, const Handle& h, QPointF p);

// The axis-aligned rectangle spanned by two points.
QRectF spannedRect(QPointF a, QPointF b);

// A rotated rectangle whose one side runs from a to b and whose other side reaches the point c.
RotatedRectGeom rotatedRectFrom(QPointF a, QPointF b, QPointF c);

// The side of a polygon (closing side included) or polyline nearest to p within tolerance: the index of
// its first vertex and the nearest point on it.
struct EdgeHit
{
    int edge = -1;
    QPointF point;
};
std::optional<EdgeHit> edgeAt(const Geometry& g, QPointF p, double tolerance);

// A vertex inserted after vertex `edge` (so it becomes index edge + 1).
Geometry insertVertex(const Geometry& g, int edge, QPointF p);
// The geometry without vertex index; nullopt when fewer than the kind's minimum would remain
// (3 for polygons, 2 for polylines) or the geometry has no removable vertices.
std::optional<Geometry> removeVertex(const Geometry& g, int index);

// Vertices (polygon and polyline vertices, rectangle corners, points, labelled keypoints) of all shapes
// except `skip` that lie within tolerance of p; returns the nearest.
std::optional<QPointF> snapToVertex(const std::vector<const Shape*>& shapes, QPointF p, double tolerance,
                                    qint64 skip = 0);

} // namespace loupe::annotation
