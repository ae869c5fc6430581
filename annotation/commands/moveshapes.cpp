// SPDX-License-Identifier: MIT
#include "annotation/commands/moveshapes.h"

#include "annotation/geometry/measure.h"

namespace loupe::annotation {

namespace {

std::vector<Shape> moved(const std::vector<Shape>& shapes, QPointF delta)
{
    std::vector<Shape> out = shapes;
    for (Shape& s : out)
        s.geometry = translated(s.geometry, delta);
    return out;
}

} // namespace

MoveShapes::MoveShapes(AnnotationDocument& doc, const QList<qint64>& ids, QPointF delta, int gesture)
    : ReplaceShapes(doc, moved(current(doc, ids), delta), ChangeEvent::Geometry,
                    QObject::tr("Move %n shape(s)", nullptr, int(ids.size()))),
      m_gesture(gesture)
{
}

bool MoveShapes::canMerge(const ReplaceShapes& later) const
{
    const auto* o = static_cast<const MoveShapes*>(&later);
    return o->m_gesture == m_gesture && o->shapeIds() == shapeIds();
}

} // namespace loupe::annotation
