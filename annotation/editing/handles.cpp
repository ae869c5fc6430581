// SPDX-License-Identifier: MIT
#include "annotation/editing/handles.h"

#include "annotation/geometry/measure.h"

#include <QLineF>
#include <QTransform>
#include <cmath>

namespace loupe::annotation {

namespace {

// Corner and edge-middle positions of a w x h box centred on the origin, in the box's own frame.
QPointF cornerLocal(int i, double w, double h)
{
    const double sx = (i == 1 || i == 2) ? 0.5 : -0.5;
    const double sy = (i >= 2) ? 0.5 : -0.5;
    return {sx * w, sy * h};
}

QPointF edgeLocal(int i, double w, double h)
{
    switch (i) {
    case 0:
        return {0, -h / 2};
    case 1:
        return {w / 2, 0};
    case 2:
        return {0, h / 2};
    default:
        return {-w / 2, 0};
    }
}

QTransform frameOf(const RotatedRectGeom& r)
{
    QTransform t;
    t.translate(r.center.x(), r.center.y());
    t.rotate(r.angle);
    return t;
}

RotatedRectGeom asRotated(const QRectF& r)
{
    return RotatedRectGeom{r.center(), r.width(), r.height(), 0};
}

// Resizes a (rotated) box by dragging a corner or an edge to p, keeping the opposite one fixed.
RotatedRectGeom resized(const RotatedRectGeom& r, const Handle& h, QPointF p)
{
    const QTransform toWorld = frameOf(r);
    const QTransform toLocal = toWorld.inverted();
    const QPointF local = toLocal.map(p);
    RotatedRectGeom out = r;
    if (h.kind == HandleKind::Corner) {
        const QPointF fixed = -cornerLocal(h.index, r.width, r.height);
        out.width = std::abs(local.x() - fixed.x());
        out.height = std::abs(local.y() - fixed.y());
        out.center = toWorld.map((local + fixed) / 2);
    } else {
        const QPointF fixed = -edgeLocal(h.index, r.width, r.height);
        QPointF c = fixed;
        if (h.index == 1 || h.index == 3) {
            out.width = std::abs(local.x() - fixed.x());
            c.setX((local.x() + fixed.x()) / 2);
        } else {
            out.height = std::abs(local.y() - fixed.y());
            c.setY((local.y() + fixed.y()) / 2);
        }
        out.center = toWorld.map(c);
    }
    return out;
}

double normalizedAngle(double degrees)
{
    double a = std::fmod(degrees, 360.0);
    if (a > 180) a -= 360;
    if (a <= -180) a += 360;
    return a;
}

const QPolygonF* verticesOf(const Geometry& g)
{
    if (const auto* p = std::get_if<PolygonGeom>(&g)) return &p->points;
    if (const auto* l = std::get_if<PolylineGeom>(&g)) return &l->points;
    return nullptr;
}

} // namespace

std::vector<Handle> handlesOf(const Geometry& g, double rotateDistance)
{
    std::vector<Handle> out;
    if (const auto* r = std::get_if<RectangleGeom>(&g)) {
        const RotatedRectGeom rr = asRotated(r->rect);
        for (int i = 0; i < 4; ++i)
            out.push_back({HandleKind::Corner, i, rr.center + cornerLocal(i, rr.width, rr.height)});
        for (int i = 0; i < 4; ++i)
            out.push_back({HandleKind::Edge, i, rr.center + edgeLocal(i, rr.width, rr.height)});
    } else if (const auto* rr = std::get_if<RotatedRectGeom>(&g)) {
        const QTransform t = frameOf(*rr);
        for (int i = 0; i < 4; ++i)
            out.push_back({HandleKind::Corner, i, t.map(cornerLocal(i, rr->width, rr->height))});
        for (int i = 0; i < 4; ++i)
            out.push_back({HandleKind::Edge, i, t.map(edgeLocal(i, rr->width, rr->height))});
        out.push_back({HandleKind::Rotate, 0, t.map(QPointF(0, -rr->height / 2 - rotateDistance))});
    } else if (const QPolygonF* v = verticesOf(g)) {
        for (int i = 0; i < v->size(); ++i)
            out.push_back({HandleKind::Vertex, i, (*v)[i]});
    } else if (const auto* pt = std::get_if<PointGeom>(&g)) {
        out.push_back({HandleKind::Vertex, 0, pt->point});
    } else if (const auto* k = std::get_if<KeypointsGeom>(&g)) {
        for (size_t i = 0; i < k->points.size(); ++i)
            if (k->points[i].visibility > 0) out.push_back({HandleKind::Vertex, int(i), k->points[i].pos});
    }
    return out;
}

std::optional<Handle> handleAt(const Geometry& g, QPointF p, double tolerance, double rotateDistance)
{
    std::optional<Handle> best;
    double bestDist = tolerance;
    for (const Handle& h : handlesOf(g, rotateDistance)) {
        const double d = QLineF(h.pos, p).length();
        // Ties go to the later handle only when strictly nearer: corners win over edges of tiny boxes.
        if (d <= bestDist && (!best || d < bestDist)) {
            best = h;
            bestDist = d;
        }
    }
    return best;
}

Geometry dragHandle(const Geometry& g, const Handle& h, QPointF p)
{
    if (const auto* r = std::get_if<RectangleGeom>(&g)) {
        if (h.kind != HandleKind::Corner && h.kind != HandleKind::Edge) return g;
        const RotatedRectGeom rr = resized(asRotated(r->rect), h, p);
        return RectangleGeom{
            QRectF(rr.center.x() - rr.width / 2, rr.center.y() - rr.height / 2, rr.width, rr.height)};
    }
    if (const auto* rr = std::get_if<RotatedRectGeom>(&g)) {
        if (h.kind == HandleKind::Rotate) {
            RotatedRectGeom out = *rr;
            const QPointF d = p - rr->center;
            if (d.isNull()) return g;
            // The handle sits straight above the centre at angle 0 (local -y), clockwise positive.
            out.angle = normalizedAngle(std::atan2(d.y(), d.x()) * 180.0 / M_PI + 90.0);
            return out;
        }
        if (h.kind == HandleKind::Corner || h.kind == HandleKind::Edge) return resized(*rr, h, p);
        return g;
    }
    if (h.kind != HandleKind::Vertex) return g;
    Geometry out = g;
    if (auto* poly = std::get_if<PolygonGeom>(&out)) {
        if (h.index >= 0 && h.index < poly->points.size()) poly->points[h.index] = p;
    } else if (auto* line = std::get_if<PolylineGeom>(&out)) {
        if (h.index >= 0 && h.index < line->points.size()) line->points[h.index] = p;
    } else if (auto* pt = std::get_if<PointGeom>(&out)) {
        pt->point = p;
    } else if (auto* k = std::get_if<KeypointsGeom>(&out)) {
        if (h.index >= 0 && h.index < int(k->points.size())) k->points[size_t(h.index)].pos = p;
    }
    return out;
}

QRectF spannedRect(QPointF a, QPointF b)
{
    return QRectF(a, b).normalized();
}

RotatedRectGeom rotatedRectFrom(QPointF a, QPointF b, QPointF c)
{
    const QPointF axis = b - a;
    const double len = std::hypot(axis.x(), axis.y());
    RotatedRectGeom out;
    out.width = len;
    out.angle = len > 0 ? normalizedAngle(std::atan2(axis.y(), axis.x()) * 180.0 / M_PI) : 0;
    if (len == 0) {
        out.center = a;
        return out;
    }
    // Signed distance of c from the a-b line, along the side's normal (clockwise from the axis).
    const QPointF normal(-axis.y() / len, axis.x() / len);
    const double h = QPointF::dotProduct(c - a, normal);
    out.height = std::abs(h);
    out.center = (a + b) / 2 + normal * (h / 2);
    return out;
}

std::optional<EdgeHit> edgeAt(const Geometry& g, QPointF p, double tolerance)
{
    const QPolygonF* v = verticesOf(g);
    if (!v || v->size() < 2) return std::nullopt;
    const bool closed = std::holds_alternative<PolygonGeom>(g);
    const int n = int(v->size());
    std::optional<EdgeHit> best;
    double bestDist = tolerance;
    for (int i = 0; i < (closed ? n : n - 1); ++i) {
        const QPointF a = (*v)[i], b = (*v)[(i + 1) % n];
        const double d = distanceToSegment(p, a, b);
        if (d > bestDist) continue;
        const QPointF ab = b - a;
        const double len2 = QPointF::dotProduct(ab, ab);
        const double t = len2 > 0 ? std::clamp(QPointF::dotProduct(p - a, ab) / len2, 0.0, 1.0) : 0.0;
        best = EdgeHit{i, a + ab * t};
        bestDist = d;
    }
    return best;
}

Geometry insertVertex(const Geometry& g, int edge, QPointF p)
{
    Geometry out = g;
    QPolygonF* v = nullptr;
    if (auto* poly = std::get_if<PolygonGeom>(&out)) v = &poly->points;
    if (auto* line = std::get_if<PolylineGeom>(&out)) v = &line->points;
    if (v && edge >= 0 && edge < v->size()) v->insert(edge + 1, p);
    return out;
}

std::optional<Geometry> removeVertex(const Geometry& g, int index)
{
    Geometry out = g;
    QPolygonF* v = nullptr;
    int minimum = 0;
    if (auto* poly = std::get_if<PolygonGeom>(&out)) v = &poly->points, minimum = 3;
    if (auto* line = std::get_if<PolylineGeom>(&out)) v = &line->points, minimum = 2;
    if (!v || index < 0 || index >= v->size() || v->size() - 1 < minimum) return std::nullopt;
    v->remove(index);
    return out;
}

std::optional<QPointF> snapToVertex(const std::vector<const Shape*>& shapes, QPointF p, double tolerance,
                                    qint64 skip)
{
    std::optional<QPointF> best;
    double bestDist = tolerance;
    for (const Shape* s : shapes) {
        if (!s || s->id == skip) continue;
        for (const Handle& h : handlesOf(s->geometry, 0)) {
            if (h.kind != HandleKind::Vertex && h.kind != HandleKind::Corner) continue;
            const double d = QLineF(h.pos, p).length();
            if (d <= bestDist) {
                best = h.pos;
                bestDist = d;
            }
        }
    }
    return best;
}

} // namespace loupe::annotation
