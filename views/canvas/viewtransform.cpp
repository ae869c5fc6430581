// SPDX-License-Identifier: MIT
#include "views/canvas/viewtransform.h"

#include <QtMath>
#include <algorithm>

namespace loupe::views {

ViewTransform::ViewTransform(double scale, QPointF offset, double devicePixelRatio)
    : m_scale(scale > 0 ? scale : 1.0), m_offset(offset), m_dpr(devicePixelRatio > 0 ? devicePixelRatio : 1.0)
{
}

QRectF ViewTransform::imageToWidget(const QRectF& r) const
{
    return QRectF(imageToWidget(r.topLeft()), r.size() * m_scale);
}

QRectF ViewTransform::widgetToImage(const QRectF& r) const
{
    return QRectF(widgetToImage(r.topLeft()), r.size() / m_scale);
}

QPoint ViewTransform::imagePixelAt(QPointF widgetPos) const
{
    const QPointF p = widgetToImage(widgetPos);
    return QPoint(qFloor(p.x()), qFloor(p.y()));
}

QTransform ViewTransform::imageToWidgetTransform() const
{
    return QTransform(m_scale, 0, 0, m_scale, m_offset.x(), m_offset.y());
}

ViewTransform ViewTransform::zoomedAt(QPointF widgetAnchor, double newZoom) const
{
    const QPointF imagePoint = widgetToImage(widgetAnchor);
    ViewTransform t(newZoom / m_dpr, m_offset, m_dpr);
    return t.anchored(imagePoint, widgetAnchor);
}

ViewTransform ViewTransform::anchored(QPointF imagePoint, QPointF widgetPos) const
{
    return ViewTransform(m_scale, widgetPos - imagePoint * m_scale, m_dpr);
}

ViewTransform ViewTransform::panned(QPointF widgetDelta) const
{
    return ViewTransform(m_scale, m_offset + widgetDelta, m_dpr);
}

ViewTransform ViewTransform::snapped() const
{
    const QPointF device = m_offset * m_dpr;
    return ViewTransform(m_scale, QPointF(std::round(device.x()), std::round(device.y())) / m_dpr, m_dpr);
}

ViewTransform ViewTransform::fit(QSizeF image, QSizeF viewport, double dpr, double margin)
{
    if (image.isEmpty() || viewport.isEmpty()) return ViewTransform(1.0 / dpr, {}, dpr);
    const double w = std::max(1.0, viewport.width() - 2 * margin);
    const double h = std::max(1.0, viewport.height() - 2 * margin);
    const double scale = std::min(w / image.width(), h / image.height());
    return centered(image, viewport, scale * dpr, dpr);
}

ViewTransform ViewTransform::centered(QSizeF image, QSizeF viewport, double zoom, double dpr)
{
    ViewTransform t(zoom / dpr, {}, dpr);
    const QPointF imageCenter(image.width() / 2, image.height() / 2);
    const QPointF viewCenter(viewport.width() / 2, viewport.height() / 2);
    return t.anchored(imageCenter, viewCenter).snapped();
}

} // namespace loupe::views
