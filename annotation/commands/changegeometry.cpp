// SPDX-License-Identifier: MIT
#include "annotation/commands/changegeometry.h"

namespace loupe::annotation {

namespace {

std::vector<Shape> withGeometry(std::vector<Shape> shapes, Geometry g)
{
    for (Shape& s : shapes)
        s.geometry = g;
    return shapes;
}

} // namespace

ChangeGeometry::ChangeGeometry(AnnotationDocument& doc, qint64 shapeId, Geometry geometry, int gesture)
    : ReplaceShapes(doc, withGeometry(current(doc, {shapeId}), std::move(geometry)), ChangeEvent::Geometry,
                    QObject::tr("Edit shape")),
      m_gesture(gesture)
{
}

bool ChangeGeometry::canMerge(const ReplaceShapes& later) const
{
    const auto* o = static_cast<const ChangeGeometry*>(&later);
    return m_gesture != 0 && o->m_gesture == m_gesture && o->shapeIds() == shapeIds();
}

} // namespace loupe::annotation
