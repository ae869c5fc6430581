// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/geometry/rle.h"
#include "annotation/shapes/shapekind.h"

#include <QPointF>
#include <QPolygonF>
#include <QRectF>
#include <QString>
#include <variant>
#include <vector>

namespace loupe::annotation {

// All coordinates are image pixels with (0,0) at the top-left corner of the top-left pixel, so pixel
// (i, j) covers [i, i+1) x [j, j+1). Formats with other conventions convert at their edge.

struct RectangleGeom
{
    QRectF rect;
    bool operator==(const RectangleGeom&) const = default;
};

// A rectangle of the given size centred on center, rotated clockwise (y down) by angle degrees.
struct RotatedRectGeom
{
    QPointF center;
    double width = 0;
    double height = 0;
    double angle = 0;
    bool operator==(const RotatedRectGeom&) const = default;
    QPolygonF corners() const; // top-left, top-right, bottom-right, bottom-left before rotation
};

struct PolygonGeom
{
    QPolygonF points; // not closed: the last vertex does not repeat the first
    bool operator==(const PolygonGeom&) const = default;
};

struct PolylineGeom
{
    QPolygonF points;
    bool operator==(const PolylineGeom&) const = default;
};

struct PointGeom
{
    QPointF point;
    bool operator==(const PointGeom&) const = default;
};

// COCO visibility: 0 not labelled, 1 labelled but hidden, 2 labelled and visible.
struct Keypoint
{
    QString name;
    QPointF pos;
    int visibility = 2;
    bool operator==(const Keypoint&) const = default;
};

struct KeypointsGeom
{
    std::vector<Keypoint> points;
    QRectF box; // the object's box when known (COCO keeps one per instance); null otherwise
    bool operator==(const KeypointsGeom&) const = default;
};

// A mask covering the whole image (width x height of the image it belongs to).
struct MaskGeom
{
    RleMask mask;
    bool operator==(const MaskGeom&) const = default;
};

// An image-level tag: the label is the tag.
struct TagGeom
{
    bool operator==(const TagGeom&) const = default;
};

struct CaptionGeom
{
    QString text;
    bool operator==(const CaptionGeom&) const = default;
};

// Alternatives in ShapeKind order.
using Geometry = std::variant<RectangleGeom, RotatedRectGeom, PolygonGeom, PolylineGeom, PointGeom,
                              KeypointsGeom, MaskGeom, TagGeom, CaptionGeom>;

inline ShapeKind kindOf(const Geometry& g)
{
    return ShapeKind(g.index());
}

} // namespace loupe::annotation
