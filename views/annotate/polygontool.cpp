// SPDX-License-Identifier: MIT
#include "views/annotate/polygontool.h"

#include "views/annotate/shapescene.h"

#include <QPainter>

namespace loupe::views {

using namespace loupe::annotation;

PolygonTool::PolygonTool(bool closed, ShapeScene* scene, QObject* parent)
    : AnnotateTool(closed ? QStringLiteral("Polygon") : QStringLiteral("Polyline"), scene, parent),
      m_closed(closed)
{
}

QString PolygonTool::hint() const
{
    return m_closed ? tr("Polygon: click vertices; Enter, double-click or the first vertex closes it; "
                         "Backspace removes the last; Esc cancels")
                    : tr("Polyline: click vertices; Enter or double-click ends it; Backspace removes the "
                         "last; Esc cancels");
}

void PolygonTool::cancel()
{
    if (m_points.isEmpty()) return;
    m_points.clear();
    updateOverlay();
}

bool PolygonTool::finish()
{
    // A double-click's first click already added its vertex; the second must not add it again.
    QPolygonF pts;
    for (const QPointF& p : std::as_const(m_points))
        if (pts.isEmpty() || pts.last() != p) pts << p;
    if (m_closed && pts.size() > 1 && pts.first() == pts.last()) pts.removeLast();
    const int needed = m_closed ? 3 : 2;
    if (pts.size() < needed) {
        if (scene())
            scene()->showMessage(m_closed ? tr("A polygon needs at least three vertices")
                                          : tr("A polyline needs at least two vertices"));
        return false;
    }
    m_points.clear();
    updateOverlay();
    std::optional<Shape> s = newShape(m_closed ? Geometry(PolygonGeom{pts}) : Geometry(PolylineGeom{pts}));
    return s && scene()->addShapes({*s});
}

bool PolygonTool::mousePressed(const CanvasMouseEvent& e)
{
    if (e.button != Qt::LeftButton || !scene() || !scene()->isEditable()) return false;
    if (e.doubleClick) {
        finish();
        return true;
    }
    const QPointF p = clampedToImage(snapped(e.imagePos, e.view, e.modifiers));
    if (m_closed && m_points.size() >= 3 &&
        !apartOnScreen(m_points.first(), e.imagePos, e.view, kHandlePixels)) {
        finish();
        return true;
    }
    m_points << p;
    m_cursor = p;
    updateOverlay();
    return true;
}

bool PolygonTool::mouseMoved(const CanvasMouseEvent& e)
{
    if (m_points.isEmpty()) return false;
    m_cursor = clampedToImage(snapped(e.imagePos, e.view, e.modifiers));
    updateOverlay();
    return true;
}

bool PolygonTool::keyPressed(const CanvasKeyEvent& e)
{
    switch (e.key) {
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (m_points.isEmpty()) return false;
        finish();
        return true;
    case Qt::Key_Escape:
        if (m_points.isEmpty()) return false;
        cancel();
        return true;
    case Qt::Key_Backspace:
        if (m_points.isEmpty()) return false;
        m_points.removeLast();
        updateOverlay();
        return true;
    default:
        return false;
    }
}

void PolygonTool::paintOverlay(QPainter& painter, const ViewTransform& view)
{
    if (m_points.isEmpty()) return;
    const QColor color = scene()->colorOf(scene()->currentLabel());
    QPen pen(color, 1.5);
    pen.setCosmetic(true);
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setPen(pen);
    QPolygonF w = view.imageToWidgetTransform().map(m_points);
    painter.drawPolyline(w);
    pen.setStyle(Qt::DashLine);
    painter.setPen(pen);
    painter.drawLine(w.last(), view.imageToWidget(m_cursor));
    if (m_closed && m_points.size() >= 2) painter.drawLine(view.imageToWidget(m_cursor), w.first());
    painter.setPen(QPen(Qt::black, 1));
    painter.setBrush(Qt::white);
    for (const QPointF& p : std::as_const(w))
        painter.drawRect(QRectF(p.x() - 3, p.y() - 3, 6, 6));
    if (m_closed) {
        painter.setBrush(color); // the first vertex closes the polygon when clicked
        painter.drawRect(QRectF(w.first().x() - 4, w.first().y() - 4, 8, 8));
    }
}

} // namespace loupe::views
