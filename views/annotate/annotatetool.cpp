// SPDX-License-Identifier: MIT
#include "views/annotate/annotatetool.h"

#include "annotation/editing/handles.h"
#include "views/annotate/shapescene.h"
#include "views/canvas/imagecanvas.h"

#include <algorithm>
#include <cmath>

namespace loupe::views {

AnnotateTool::AnnotateTool(QString name, ShapeScene* scene, QObject* parent)
    : CanvasTool(std::move(name), parent), m_scene(scene)
{
}

void AnnotateTool::activate(ImageCanvas* canvas)
{
    CanvasTool::activate(canvas);
    if (m_scene) {
        m_scene->setActiveTool(this);
        m_scene->showMessage(hint());
    }
    // Changing the image abandons a half-drawn shape: its points belong to the old image.
    connect(m_scene, &ShapeScene::imageReset, this, &AnnotateTool::cancel, Qt::UniqueConnection);
}

void AnnotateTool::deactivate()
{
    cancel();
    if (m_scene) {
        disconnect(m_scene, &ShapeScene::imageReset, this, &AnnotateTool::cancel);
        if (m_scene->activeTool() == this) m_scene->setActiveTool(nullptr);
    }
    CanvasTool::deactivate();
}

QPointF AnnotateTool::snapped(QPointF p, const ViewTransform& view, Qt::KeyboardModifiers mods,
                              qint64 skip) const
{
    if (!m_scene || (mods & Qt::ShiftModifier)) return p;
    const double tol = view.widgetToImageLength(kSnapPixels);
    if (auto s = annotation::snapToVertex(m_scene->shapesNear(p, tol), p, tol, skip)) return *s;
    return p;
}

QPointF AnnotateTool::clampedToImage(QPointF p) const
{
    if (!m_scene || m_scene->imageSize().isEmpty()) return p;
    return {std::clamp(p.x(), 0.0, double(m_scene->imageSize().width())),
            std::clamp(p.y(), 0.0, double(m_scene->imageSize().height()))};
}

void AnnotateTool::updateOverlay(const QRectF& imageRect)
{
    if (m_scene) emit m_scene->overlayChanged(imageRect);
}

std::optional<annotation::Shape> AnnotateTool::newShape(annotation::Geometry geometry) const
{
    if (!m_scene || !m_scene->isEditable()) return std::nullopt;
    if (!m_scene->label(m_scene->currentLabel())) {
        m_scene->showMessage(tr("Pick a label first (the project has none, or none is chosen)"));
        return std::nullopt;
    }
    annotation::Shape s;
    s.imageId = m_scene->imageId();
    s.labelId = m_scene->currentLabel();
    s.geometry = std::move(geometry);
    return s;
}

bool AnnotateTool::apartOnScreen(QPointF a, QPointF b, const ViewTransform& view, double pixels)
{
    const QPointF d = view.imageToWidget(a) - view.imageToWidget(b);
    return std::hypot(d.x(), d.y()) >= pixels;
}

} // namespace loupe::views
