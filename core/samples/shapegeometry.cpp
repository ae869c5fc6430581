// SPDX-License-Identifier: MIT
#include "core/samples/shapegeometry.h"

#include <cmath>

namespace loupe::core {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kCircleVertices = 48;
constexpr double kStarInner = 0.45;     // inner radius of the star, relative to the outer
constexpr double kCrossHalfWidth = 0.3; // half the width of a cross arm, relative to the radius
constexpr double kRingInner = 0.55;     // hole radius of the ring, relative to the outer

// Points given around the origin in shape units (radius 1), rotated, scaled and moved into place.
std::vector<QPointF> place(const std::vector<QPointF>& unit, QPointF c, double r, double rot)
{
    const double cs = std::cos(rot), sn = std::sin(rot);
    std::vector<QPointF> out;
    out.reserve(unit.size());
    for (const QPointF& p : unit)
        out.emplace_back(c.x() + r * (p.x() * cs - p.y() * sn), c.y() + r * (p.x() * sn + p.y() * cs));
    return out;
}

std::vector<QPointF> regular(int n, double radius, double phase, bool reverse = false)
{
    std::vector<QPointF> pts;
    for (int i = 0; i < n; ++i) {
        const int k = reverse ? (n - i) % n : i;
        const double a = phase + 2 * kPi * k / n;
        pts.emplace_back(radius * std::cos(a), radius * std::sin(a));
    }
    return pts;
}

} // namespace

std::vector<QPointF> shapePolygon(ShapeClass cls, QPointF center, double radius, double rotation)
{
    std::vector<QPointF> unit;
    switch (cls) {
    case ShapeClass::Circle:
        unit = regular(kCircleVertices, 1.0, 0);
        break;
    case ShapeClass::Square:
        unit = regular(4, 1.0, kPi / 4);
        break;
    case ShapeClass::Triangle:
        unit = regular(3, 1.0, -kPi / 2);
        break;
    case ShapeClass::Star:
        for (int i = 0; i < 10; ++i) {
            const double a = -kPi / 2 + kPi * i / 5;
            const double rr = (i % 2) ? kStarInner : 1.0;
            unit.emplace_back(rr * std::cos(a), rr * std::sin(a));
        }
        break;
    case ShapeClass::Cross: {
        // A plus sign whose arm tips touch the circumscribed circle.
        const double w = kCrossHalfWidth;
        const double l = std::sqrt(1.0 - w * w);
        unit = {{w, -l}, {w, -w}, {l, -w}, {l, w},   {w, w},   {w, l},
                {-w, l}, {-w, w}, {-l, w}, {-l, -w}, {-w, -w}, {-w, -l}};
        break;
    }
    case ShapeClass::Ring: {
        // Keyhole: outer circle from angle 0 all the way round, back to its start, across to the inner
        // circle, the inner circle the other way round, and back across (the bridge has no width).
        unit = regular(kCircleVertices, 1.0, 0);
        unit.emplace_back(1.0, 0.0);
        std::vector<QPointF> inner = regular(kCircleVertices, kRingInner, 0, true);
        unit.insert(unit.end(), inner.begin(), inner.end());
        unit.emplace_back(kRingInner, 0.0);
        break;
    }
    }
    return place(unit, center, radius, rotation);
}

double shapeAreaFactor(ShapeClass cls)
{
    switch (cls) {
    case ShapeClass::Circle:
        return kPi;
    case ShapeClass::Square:
        return 2.0;
    case ShapeClass::Triangle:
        return 3.0 * std::sqrt(3.0) / 4.0;
    case ShapeClass::Star:
        return 5.0 * kStarInner * std::sin(kPi / 5);
    case ShapeClass::Cross: {
        const double w = kCrossHalfWidth, l = std::sqrt(1.0 - w * w);
        return 2 * (2 * l) * (2 * w) - 4 * w * w;
    }
    case ShapeClass::Ring:
        return kPi * (1.0 - kRingInner * kRingInner);
    }
    return 1.0;
}

} // namespace loupe::core
