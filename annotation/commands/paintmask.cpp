// SPDX-License-Identifier: MIT
#include "annotation/commands/paintmask.h"

#include "annotation/geometry/raster.h"

namespace loupe::annotation {

namespace {

std::vector<Shape> painted(std::vector<Shape> shapes, QPointF from, QPointF to, double radius, bool erase)
{
    for (Shape& s : shapes)
        if (auto* m = std::get_if<MaskGeom>(&s.geometry)) paintStroke(m->mask, from, to, radius, !erase);
    return shapes;
}

} // namespace

PaintMask::PaintMask(AnnotationDocument& doc, qint64 shapeId, QPointF from, QPointF to, double radius,
                     bool erase, int stroke)
    : ReplaceShapes(doc, painted(current(doc, {shapeId}), from, to, radius, erase), ChangeEvent::Geometry,
                    erase ? QObject::tr("Erase mask") : QObject::tr("Paint mask")),
      m_stroke(stroke)
{
}

bool PaintMask::canMerge(const ReplaceShapes& later) const
{
    const auto* o = static_cast<const PaintMask*>(&later);
    return o->m_stroke == m_stroke && o->shapeIds() == shapeIds();
}

} // namespace loupe::annotation
