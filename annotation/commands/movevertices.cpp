// SPDX-License-Identifier: MIT
#include "annotation/commands/movevertices.h"

namespace loupe::annotation {

namespace {

std::vector<Shape> withVertices(std::vector<Shape> shapes, const QList<int>& idx, const QList<QPointF>& pos)
{
    for (Shape& s : shapes) {
        for (qsizetype k = 0; k < idx.size() && k < pos.size(); ++k) {
            const int i = idx[k];
            if (auto* p = std::get_if<PolygonGeom>(&s.geometry); p && i >= 0 && i < p->points.size())
                p->points[i] = pos[k];
            else if (auto* l = std::get_if<PolylineGeom>(&s.geometry); l && i >= 0 && i < l->points.size())
                l->points[i] = pos[k];
            else if (auto* g = std::get_if<KeypointsGeom>(&s.geometry);
                     g && i >= 0 && i < int(g->points.size()))
                g->points[size_t(i)].pos = pos[k];
        }
    }
    return shapes;
}

} // namespace

MoveVertices::MoveVertices(AnnotationDocument& doc, qint64 shapeId, const QList<int>& indices,
                           const QList<QPointF>& positions, int gesture)
    : ReplaceShapes(doc, withVertices(current(doc, {shapeId}), indices, positions), ChangeEvent::Geometry,
                    QObject::tr("Move %n vertex(es)", nullptr, int(indices.size()))),
      m_indices(indices), m_gesture(gesture)
{
}

bool MoveVertices::canMerge(const ReplaceShapes& later) const
{
    const auto* o = static_cast<const MoveVertices*>(&later);
    return o->m_gesture == m_gesture && o->shapeIds() == shapeIds() && o->m_indices == m_indices;
}

} // namespace loupe::annotation
