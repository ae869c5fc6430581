// SPDX-License-Identifier: MIT
#include "annotation/geometry/measure.h"

#include <QTransform>
#include <algorithm>
#include <cmath>

namespace loupe::annotation {

QPolygonF RotatedRectGeom::corners() const
{
    const double hw = width / 2, hh = height / 2;
    QTransform t;
    t.translate(center.x(), center.y());
    t.rotate(angle);
    return t.map(QPolygonF({QPointF(-hw, -hh), QPointF(hw, -hh), QPointF(hw, hh), QPointF(-hw, hh)}));
}

double signedArea(const QPolygonF& p)
{
    const int n = p.size();
    double s = 0;
    for (int i = 0; i < n; ++i) {
        const QPointF& a = p[i];
        const QPointF& b = p[(i + 1) % n];
        s += a.x() * b.y() - b.x() * a.y();
    }
    return s / 2;
}

double area(const Geometry& g)
{
    switch (kindOf(g)) {
    case ShapeKind::Rectangle: {
        const QRectF r = std::get<RectangleGeom>(g).rect;
        return std::abs(r.width() * r.height());
    }
    case ShapeKind::RotatedRectangle: {
        const auto& r = std::get<RotatedRectGeom>(g);
        return std::abs(r.width * r.height);
    }
    case ShapeKind::Polygon:
        return std::abs(signedArea(std::get<PolygonGeom>(g).points));
    case ShapeKind::Mask:
        return double(std::get<MaskGeom>(g).mask.area());
    case ShapeKind::Keypoints: {
        const QRectF b = std::get<KeypointsGeom>(g).box;
        return b.isNull() ? 0.0 : b.width() * b.height();
    }
    default:
        return 0;
    }
}

QRectF boundingBox(const Geometry& g)
{
    switch (kindOf(g)) {
    case ShapeKind::Rectangle:
        return std::get<RectangleGeom>(g).rect.normalized();
    case ShapeKind::RotatedRectangle:
        return std::get<RotatedRectGeom>(g).corners().boundingRect();
    case ShapeKind::Polygon:
        return std::get<PolygonGeom>(g).points.boundingRect();
    case ShapeKind::Polyline:
        return std::get<PolylineGeom>(g).points.boundingRect();
    case ShapeKind::Point:
        return QRectF(std::get<PointGeom>(g).point, QSizeF(0, 0));
    case ShapeKind::Keypoints: {
        const auto& k = std::get<KeypointsGeom>(g);
        if (!k.box.isNull()) return k.box;
        QPolygonF pts;
        for (const Keypoint& p : k.points)
            if (p.visibility > 0) pts << p.pos;
        return pts.isEmpty() ? QRectF() : pts.boundingRect();
    }
    case ShapeKind::Mask:
        return QRectF(std::get<MaskGeom>(g).mask.boundingBox());
    case ShapeKind::Tag:
    case ShapeKind::Caption:
        return {};
    }
    return {};
}

double distanceToSegment(QPointF p, QPointF a, QPointF b)
{
    const QPointF ab = b - a;
    const double len2 = QPointF::dotProduct(ab, ab);
    double t = len2 > 0 ? QPointF::dotProduct(p - a, ab) / len2 : 0.0;
    t = std::clamp(t, 0.0, 1.0);
    const QPointF d = p - (a + t * ab);
    return std::hypot(d.x(), d.y());
}

namespace {

bool nearOutline(const QPolygonF& pts, QPointF p, double tol, bool closed)
{
    const int n = pts.size();
    if (n == 1) return std::hypot(p.x() - pts[0].x(), p.y() - pts[0].y()) <= tol;
    const int segs = closed ? n : n - 1;
    for (int i = 0; i < segs; ++i)
        if (distanceToSegment(p, pts[i], pts[(i + 1) % n]) <= tol) return true;
    return false;
}

} // namespace

bool hitTest(const Geometry& g, QPointF p, double tol)
{
    switch (kindOf(g)) {
    case ShapeKind::Rectangle:
        return std::get<RectangleGeom>(g).rect.normalized().adjusted(-tol, -tol, tol, tol).contains(p);
    case ShapeKind::RotatedRectangle: {
        const QPolygonF c = std::get<RotatedRectGeom>(g).corners();
        return c.containsPoint(p, Qt::OddEvenFill) || nearOutline(c, p, tol, true);
    }
    case ShapeKind::Polygon: {
        const QPolygonF& pts = std::get<PolygonGeom>(g).points;
        return pts.containsPoint(p, Qt::OddEvenFill) || nearOutline(pts, p, tol, true);
    }
    case ShapeKind::Polyline:
        return nearOutline(std::get<PolylineGeom>(g).points, p, tol, false);
    case ShapeKind::Point: {
        const QPointF d = std::get<PointGeom>(g).point - p;
        return std::hypot(d.x(), d.y()) <= tol;
    }
    case ShapeKind::Keypoints:
        for (const Keypoint& k : std::get<KeypointsGeom>(g).points)
            if (k.visibility > 0 && std::hypot(k.pos.x() - p.x(), k.pos.y() - p.y()) <= tol) return true;
        return false;
    case ShapeKind::Mask: {
        const RleMask& m = std::get<MaskGeom>(g).mask;
        const int r = int(std::ceil(tol));
        const int cx = int(std::floor(p.x())), cy = int(std::floor(p.y()));
        for (int y = cy - r; y <= cy + r; ++y) {
            for (int x = cx - r; x <= cx + r; ++x) {
                // Distance from p to the pixel's square, so the tolerance means the same as for outlines.
                const double dx = std::max({x - p.x(), 0.0, p.x() - (x + 1)});
                const double dy = std::max({y - p.y(), 0.0, p.y() - (y + 1)});
                if (std::hypot(dx, dy) <= tol && m.contains(x, y)) return true;
            }
        }
        return false;
    }
    case ShapeKind::Tag:
    case ShapeKind::Caption:
        return false;
    }
    return false;
}

Geometry translated(const Geometry& g, QPointF d)
{
    switch (kindOf(g)) {
    case ShapeKind::Rectangle:
        return RectangleGeom{std::get<RectangleGeom>(g).rect.translated(d)};
    case ShapeKind::RotatedRectangle: {
        RotatedRectGeom r = std::get<RotatedRectGeom>(g);
        r.center += d;
        return r;
    }
    case ShapeKind::Polygon:
        return PolygonGeom{std::get<PolygonGeom>(g).points.translated(d)};
    case ShapeKind::Polyline:
        return PolylineGeom{std::get<PolylineGeom>(g).points.translated(d)};
    case ShapeKind::Point:
        return PointGeom{std::get<PointGeom>(g).point + d};
    case ShapeKind::Keypoints: {
        KeypointsGeom k = std::get<KeypointsGeom>(g);
        for (Keypoint& p : k.points)
            p.pos += d;
        if (!k.box.isNull()) k.box.translate(d);
        return k;
    }
    case ShapeKind::Mask: {
        // Shifts row spans (O(runs)), so dragging a mask on a large image stays interactive.
        const RleMask& m = std::get<MaskGeom>(g).mask;
        const int dx = int(std::lround(d.x())), dy = int(std::lround(d.y()));
        std::vector<RowSpan> spans;
        m.forEachRowSpan([&](int y, int x0, int x1) {
            const int ty = y + dy, a = std::max(x0 + dx, 0), b = std::min(x1 + dx, m.width());
            if (ty >= 0 && ty < m.height() && a < b) spans.push_back({ty, a, b});
        });
        return MaskGeom{RleMask::fromRowSpans(m.width(), m.height(), spans)};
    }
    case ShapeKind::Tag:
    case ShapeKind::Caption:
        return g;
    }
    return g;
}

} // namespace loupe::annotation
