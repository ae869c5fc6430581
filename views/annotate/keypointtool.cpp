// SPDX-License-Identifier: MIT
#include "views/annotate/keypointtool.h"

#include "views/annotate/shapescene.h"

#include <QPainter>

namespace loupe::views {

using namespace loupe::annotation;

KeypointTool::KeypointTool(ShapeScene* scene, QObject* parent)
    : AnnotateTool(QStringLiteral("Keypoints"), scene, parent)
{
}

QStringList KeypointTool::names() const
{
    const LabelDef* l = scene() ? scene()->label(scene()->currentLabel()) : nullptr;
    return l ? l->keypointNames : QStringList();
}

QString KeypointTool::hint() const
{
    const QStringList n = names();
    if (n.isEmpty()) return tr("Keypoints: the current label defines no keypoints");
    if (m_placed.size() >= size_t(n.size())) return {};
    return tr("Keypoints: click \"%1\" (%2 of %3)%4; X skips, H hidden/visible, Enter ends, Esc cancels")
        .arg(n[qsizetype(m_placed.size())])
        .arg(m_placed.size() + 1)
        .arg(n.size())
        .arg(m_hidden ? tr(" as hidden") : QString());
}

void KeypointTool::activate(ImageCanvas* canvas)
{
    AnnotateTool::activate(canvas);
    // The names come from the label: another label means another skeleton.
    connect(scene(), &ShapeScene::currentLabelChanged, this, &KeypointTool::cancel, Qt::UniqueConnection);
}

void KeypointTool::cancel()
{
    if (m_placed.empty()) return;
    m_placed.clear();
    updateOverlay();
    if (scene()) scene()->showMessage(hint());
}

void KeypointTool::place(QPointF p, int visibility)
{
    const QStringList n = names();
    if (n.isEmpty()) {
        scene()->showMessage(hint());
        return;
    }
    m_placed.push_back(Keypoint{n[qsizetype(m_placed.size())], visibility ? p : QPointF(), visibility});
    updateOverlay();
    if (m_placed.size() >= size_t(n.size()))
        finish();
    else
        scene()->showMessage(hint());
}

bool KeypointTool::finish()
{
    const QStringList n = names();
    std::vector<Keypoint> points = m_placed;
    bool any = false;
    for (const Keypoint& k : points)
        any = any || k.visibility > 0;
    m_placed.clear();
    updateOverlay();
    if (!any) return false;
    for (qsizetype i = qsizetype(points.size()); i < n.size(); ++i)
        points.push_back(Keypoint{n[i], QPointF(), 0});
    std::optional<Shape> s = newShape(KeypointsGeom{points, QRectF()});
    const bool ok = s && scene()->addShapes({*s});
    scene()->showMessage(hint());
    return ok;
}

bool KeypointTool::mousePressed(const CanvasMouseEvent& e)
{
    if (e.button != Qt::LeftButton || !scene() || !scene()->isEditable()) return false;
    if (!newShape(PointGeom{})) return true; // says why (no label)
    place(clampedToImage(snapped(e.imagePos, e.view, e.modifiers)), m_hidden ? 1 : 2);
    return true;
}

bool KeypointTool::mouseMoved(const CanvasMouseEvent& e)
{
    m_cursor = e.imagePos;
    if (!m_placed.empty()) updateOverlay();
    return false;
}

bool KeypointTool::keyPressed(const CanvasKeyEvent& e)
{
    if (!scene()) return false;
    switch (e.key) {
    case Qt::Key_H:
        m_hidden = !m_hidden;
        scene()->showMessage(hint());
        return true;
    case Qt::Key_X:
        if (names().isEmpty()) return false;
        place(QPointF(), 0);
        return true;
    case Qt::Key_Backspace:
        if (m_placed.empty()) return false;
        m_placed.pop_back();
        updateOverlay();
        scene()->showMessage(hint());
        return true;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (m_placed.empty()) return false;
        finish();
        return true;
    case Qt::Key_Escape:
        if (m_placed.empty()) return false;
        cancel();
        return true;
    default:
        return false;
    }
}

void KeypointTool::paintOverlay(QPainter& painter, const ViewTransform& view)
{
    if (m_placed.empty()) return;
    const QColor color = scene()->colorOf(scene()->currentLabel());
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setPen(QPen(color, 1.5));
    for (const Keypoint& k : m_placed) {
        if (k.visibility == 0) continue;
        painter.setBrush(k.visibility == 2 ? QBrush(color) : QBrush(Qt::NoBrush));
        const QPointF c = view.imageToWidget(k.pos);
        painter.drawEllipse(c, 4, 4);
        painter.drawText(c + QPointF(6, -6), k.name);
    }
}

} // namespace loupe::views
