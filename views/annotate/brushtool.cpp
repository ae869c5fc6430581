// SPDX-License-Identifier: MIT
#include "views/annotate/brushtool.h"

#include "annotation/commands/paintmask.h"
#include "annotation/geometry/raster.h"
#include "views/annotate/shapescene.h"

#include <QPainter>
#include <algorithm>

namespace loupe::views {

using namespace loupe::annotation;

BrushTool::BrushTool(bool erase, ShapeScene* scene, QObject* parent)
    : AnnotateTool(erase ? QStringLiteral("Eraser") : QStringLiteral("Brush"), scene, parent), m_erase(erase)
{
}

QString BrushTool::hint() const
{
    return (m_erase ? tr("Eraser (%1 px): drag over a mask; [ ] size")
                    : tr("Brush (%1 px): paint a mask; [ ] size"))
        .arg(m_radius * 2, 0, 'f', 1);
}

void BrushTool::setRadius(double imagePixels)
{
    m_radius = std::clamp(imagePixels, 0.5, 1000.0);
    updateOverlay();
    if (scene()) scene()->showMessage(hint());
}

void BrushTool::cancel()
{
    m_down = false;
    m_target = 0;
    m_new = RleMask();
    updateOverlay();
}

QRectF BrushTool::dab(QPointF p) const
{
    return QRectF(p.x() - m_radius, p.y() - m_radius, 2 * m_radius, 2 * m_radius);
}

qint64 BrushTool::targetAt(QPointF p, const ViewTransform& view) const
{
    const QList<qint64> sel = scene()->editableSelection();
    if (sel.size() == 1)
        if (const Shape* s = scene()->shape(sel.first()); s && s->kind() == ShapeKind::Mask) return s->id;
    if (!m_erase) return 0;
    // The eraser also works on whatever mask is under the cursor.
    const double tol = view.widgetToImageLength(kHitPixels);
    const std::vector<qint64> near = scene()->visibleIn(dab(p).adjusted(-tol, -tol, tol, tol));
    for (auto it = near.rbegin(); it != near.rend(); ++it) {
        const Shape* s = scene()->shape(*it);
        if (s && s->kind() == ShapeKind::Mask && scene()->isShapeEditable(*s) &&
            std::get<MaskGeom>(s->geometry).mask.contains(int(p.x()), int(p.y())))
            return s->id;
    }
    return 0;
}

bool BrushTool::mousePressed(const CanvasMouseEvent& e)
{
    if (e.button != Qt::LeftButton || !scene() || !scene()->isEditable()) return false;
    m_target = targetAt(e.imagePos, e.view);
    m_stroke = scene()->nextGesture();
    m_last = e.imagePos;
    if (!m_target) {
        if (m_erase) {
            scene()->showMessage(tr("No mask here to erase"));
            return true;
        }
        if (!newShape(MaskGeom{})) return true; // no label: says why
        m_new = RleMask(scene()->imageSize().width(), scene()->imageSize().height());
    }
    m_down = true;
    stroke(e.imagePos);
    return true;
}

void BrushTool::stroke(QPointF to)
{
    if (m_target) {
        scene()->push(new PaintMask(*scene()->document(), m_target, m_last, to, m_radius, m_erase, m_stroke));
    } else {
        paintStroke(m_new, m_last, to, m_radius, true);
        updateOverlay(dab(m_last).united(dab(to)));
    }
    m_last = to;
}

bool BrushTool::mouseMoved(const CanvasMouseEvent& e)
{
    const QRectF old = dab(m_cursor);
    m_cursor = e.imagePos;
    m_cursorKnown = true;
    updateOverlay(old.united(dab(m_cursor)));
    if (!m_down || !(e.buttons & Qt::LeftButton)) return false;
    stroke(e.imagePos);
    return true;
}

bool BrushTool::mouseReleased(const CanvasMouseEvent& e)
{
    if (e.button != Qt::LeftButton || !m_down) return false;
    m_down = false;
    if (!m_target && !m_new.isEmpty()) {
        if (std::optional<Shape> s = newShape(MaskGeom{m_new})) scene()->addShapes({*s});
    }
    m_new = RleMask();
    m_target = 0;
    updateOverlay();
    return true;
}

bool BrushTool::keyPressed(const CanvasKeyEvent& e)
{
    if (e.key == Qt::Key_BracketLeft) {
        setRadius(m_radius / 1.25);
        return true;
    }
    if (e.key == Qt::Key_BracketRight) {
        setRadius(m_radius * 1.25);
        return true;
    }
    if (e.key == Qt::Key_Escape && m_down) {
        cancel();
        return true;
    }
    return false;
}

void BrushTool::paintOverlay(QPainter& painter, const ViewTransform& view)
{
    const QColor color = scene()->colorOf(scene()->currentLabel());
    if (!m_new.isEmpty()) {
        QColor fill = color;
        fill.setAlpha(110);
        const double s = view.scale();
        const QPointF o = view.offset();
        m_new.forEachRowSpan([&](int y, int x0, int x1) {
            painter.fillRect(QRectF(x0 * s + o.x(), y * s + o.y(), (x1 - x0) * s, s), fill);
        });
    }
    if (!m_cursorKnown) return;
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setBrush(Qt::NoBrush);
    const QPointF c = view.imageToWidget(m_cursor);
    const double r = std::max(1.0, m_radius * view.scale());
    painter.setPen(QPen(Qt::black, 1));
    painter.drawEllipse(c, r + 1, r + 1);
    painter.setPen(QPen(m_erase ? QColor(Qt::white) : color, 1));
    painter.drawEllipse(c, r, r);
}

} // namespace loupe::views
