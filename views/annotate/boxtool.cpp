// SPDX-License-Identifier: MIT
#include "views/annotate/boxtool.h"

#include "annotation/editing/handles.h"
#include "views/annotate/shapescene.h"

#include <QPainter>

namespace loupe::views {

using namespace loupe::annotation;

namespace {
constexpr double kMinSidePixels = 3; // smaller is a slip of the mouse, not a box
}

BoxTool::BoxTool(Kind kind, ShapeScene* scene, QObject* parent)
    : AnnotateTool(kind == Kind::Rectangle ? QStringLiteral("Rectangle")
                                           : QStringLiteral("Rotated rectangle"),
                   scene, parent),
      m_kind(kind)
{
}

QString BoxTool::hint() const
{
    return m_kind == Kind::Rectangle
               ? tr("Rectangle: drag from corner to corner")
               : tr("Rotated rectangle: drag along one side, release, move to set the other side, click");
}

void BoxTool::cancel()
{
    if (m_phase == Phase::Idle) return;
    m_phase = Phase::Idle;
    updateOverlay();
}

QPolygonF BoxTool::preview() const
{
    if (m_phase == Phase::Idle) return {};
    if (m_kind == Kind::Rectangle) return QPolygonF(spannedRect(m_a, m_b));
    if (m_phase == Phase::FirstSide) return QPolygonF({m_a, m_b});
    return rotatedRectFrom(m_a, m_b, m_c).corners();
}

bool BoxTool::mousePressed(const CanvasMouseEvent& e)
{
    if (e.button != Qt::LeftButton || !scene() || !scene()->isEditable()) return false;
    const QPointF p = clampedToImage(snapped(e.imagePos, e.view, e.modifiers));
    if (m_phase == Phase::SecondSide) {
        m_c = p;
        finish(e.view);
        return true;
    }
    m_a = m_b = m_c = p;
    m_phase = Phase::FirstSide;
    updateOverlay();
    return true;
}

bool BoxTool::mouseMoved(const CanvasMouseEvent& e)
{
    if (m_phase == Phase::Idle) return false;
    const QPointF p = clampedToImage(snapped(e.imagePos, e.view, e.modifiers));
    if (m_phase == Phase::FirstSide)
        m_b = p;
    else
        m_c = p;
    updateOverlay();
    return true;
}

bool BoxTool::mouseReleased(const CanvasMouseEvent& e)
{
    if (e.button != Qt::LeftButton || m_phase != Phase::FirstSide) return m_phase != Phase::Idle;
    m_b = clampedToImage(snapped(e.imagePos, e.view, e.modifiers));
    if (m_kind == Kind::Rectangle) {
        finish(e.view);
    } else if (apartOnScreen(m_a, m_b, e.view, kMinSidePixels)) {
        m_phase = Phase::SecondSide;
        m_c = m_b;
    } else {
        cancel();
    }
    return true;
}

void BoxTool::finish(const ViewTransform& view)
{
    const double min = view.widgetToImageLength(kMinSidePixels);
    std::optional<Geometry> g;
    if (m_kind == Kind::Rectangle) {
        const QRectF r = spannedRect(m_a, m_b);
        if (r.width() >= min && r.height() >= min) g = RectangleGeom{r};
    } else {
        const RotatedRectGeom r = rotatedRectFrom(m_a, m_b, m_c);
        if (r.width >= min && r.height >= min) g = r;
    }
    m_phase = Phase::Idle;
    updateOverlay();
    if (!g) return;
    if (std::optional<Shape> s = newShape(*g)) scene()->addShapes({*s});
}

bool BoxTool::keyPressed(const CanvasKeyEvent& e)
{
    if (e.key == Qt::Key_Escape && m_phase != Phase::Idle) {
        cancel();
        return true;
    }
    return false;
}

void BoxTool::paintOverlay(QPainter& painter, const ViewTransform& view)
{
    const QPolygonF poly = preview();
    if (poly.isEmpty()) return;
    QPen pen(scene()->colorOf(scene()->currentLabel()), 1.5, Qt::DashLine);
    pen.setCosmetic(true);
    painter.setPen(pen);
    painter.setBrush(Qt::NoBrush);
    const QPolygonF w = view.imageToWidgetTransform().map(poly);
    if (w.size() == 2)
        painter.drawLine(w[0], w[1]);
    else
        painter.drawPolygon(w);
}

} // namespace loupe::views
