// SPDX-License-Identifier: MIT
#pragma once

#include "views/annotate/annotatetool.h"

#include <QPolygonF>

namespace loupe::views {

// Draws polygons (closed) or polylines (open) vertex by vertex: click adds a vertex (snapping to nearby
// vertices), Enter or a double-click finishes, clicking the first vertex closes a polygon, Backspace
// removes the last vertex, Esc drops the whole shape.
class PolygonTool : public AnnotateTool
{
    Q_OBJECT
public:
    PolygonTool(bool closed, ShapeScene* scene, QObject* parent = nullptr);

    QCursor cursor() const override { return Qt::CrossCursor; }
    QString hint() const override;
    void cancel() override;
    bool mousePressed(const CanvasMouseEvent& e) override;
    bool mouseMoved(const CanvasMouseEvent& e) override;
    bool keyPressed(const CanvasKeyEvent& e) override;
    void paintOverlay(QPainter& painter, const ViewTransform& view) override;

    const QPolygonF& points() const { return m_points; }
    // Adds the shape if it has enough vertices (3 closed, 2 open); returns whether it did.
    bool finish();

private:
    bool m_closed;
    QPolygonF m_points;
    QPointF m_cursor;
};

} // namespace loupe::views
