// SPDX-License-Identifier: MIT
#include "views/explain/heatmaplayer.h"

#include "views/explain/heatmaprender.h"

#include <QFontMetricsF>
#include <QPainter>
#include <algorithm>
#include <cmath>

namespace loupe::views {

HeatMapLayer::HeatMapLayer(QObject* parent) : CanvasLayer(QStringLiteral("Explanation"), parent)
{
    setOpacity(0.5);
}

void HeatMapLayer::setMap(std::vector<float> grid, int rows, int cols, const QString& caption)
{
    if (rows <= 0 || cols <= 0 || grid.size() != size_t(rows) * size_t(cols)) {
        clearMap();
        return;
    }
    m_caption = caption;
    m_grid = std::move(grid);
    m_rows = rows;
    m_cols = cols;
    render();
}

void HeatMapLayer::clearMap()
{
    m_grid.clear();
    m_rows = m_cols = 0;
    m_caption.clear();
    render();
}

void HeatMapLayer::setProbe(const QRectF& imageRect)
{
    if (imageRect == m_probe) return;
    m_probe = imageRect;
    emit changed();
}

void HeatMapLayer::setColormap(Colormap map)
{
    if (map == m_colormap) return;
    m_colormap = map;
    render();
}

void HeatMapLayer::setThreshold(double threshold)
{
    threshold = std::clamp(threshold, 0.0, 1.0);
    if (threshold == m_threshold) return;
    m_threshold = threshold;
    render();
}

void HeatMapLayer::imageChanged(QSize size)
{
    if (size == m_imageSize) return;
    m_imageSize = size;
    render();
}

void HeatMapLayer::render()
{
    QSize size = m_imageSize;
    if (size.width() > kMaxRenderSide || size.height() > kMaxRenderSide)
        size = size.scaled(kMaxRenderSide, kMaxRenderSide, Qt::KeepAspectRatio);
    m_rendered = hasMap() ? renderHeatMap(m_grid, m_rows, m_cols, size, m_colormap, m_threshold) : QImage();
    emit changed();
}

std::optional<float> HeatMapLayer::valueAt(QPointF imagePos) const
{
    const QPoint pixel(int(std::floor(imagePos.x())), int(std::floor(imagePos.y())));
    if (!hasMap() || !QRect(QPoint(0, 0), m_imageSize).contains(pixel)) return std::nullopt;
    return sampleBilinear(m_grid, m_rows, m_cols, m_imageSize, pixel);
}

std::optional<QPoint> HeatMapLayer::cellAt(QPointF imagePos) const
{
    if (m_imageSize.isEmpty() || m_rows <= 0 || imagePos.x() < 0 || imagePos.y() < 0 ||
        imagePos.x() >= m_imageSize.width() || imagePos.y() >= m_imageSize.height())
        return std::nullopt;
    return QPoint(std::min(m_cols - 1, int(imagePos.x() * m_cols / m_imageSize.width())),
                  std::min(m_rows - 1, int(imagePos.y() * m_rows / m_imageSize.height())));
}

void HeatMapLayer::paint(QPainter& painter, const ViewTransform& view, const QRectF&)
{
    const QRectF imageRect = view.imageToWidget(QRectF(QPointF(0, 0), QSizeF(m_imageSize)));
    if (!m_rendered.isNull()) {
        // Smooth when the render is smaller than the image or the view shrinks it; crisp 1:1 otherwise.
        painter.setRenderHint(QPainter::SmoothPixmapTransform,
                              m_rendered.size() != m_imageSize || view.zoom() < 1);
        painter.drawImage(imageRect, m_rendered);
    }
    if (!m_probe.isEmpty()) {
        // Opaque whatever the layer's opacity: the marker must stay findable over any map.
        painter.save();
        painter.setOpacity(1.0);
        painter.setBrush(Qt::NoBrush);
        const QRectF r = view.imageToWidget(m_probe).adjusted(0.5, 0.5, -0.5, -0.5);
        painter.setPen(QPen(Qt::black, 3));
        painter.drawRect(r);
        painter.setPen(QPen(Qt::white, 1.5));
        painter.drawRect(r);
        painter.restore();
    }
    if (!m_rendered.isNull() && !m_caption.isEmpty()) {
        painter.save();
        painter.setOpacity(1.0);
        // In the visible part of the image, so a zoomed-in view still shows what the map is.
        const QRectF visible = imageRect.intersected(QRectF(painter.viewport()));
        const QFontMetricsF fm(painter.font());
        const QString text = fm.elidedText(m_caption, Qt::ElideRight, std::max(40.0, visible.width() - 12));
        const QRectF box(visible.topLeft() + QPointF(4, 4),
                         QSizeF(fm.horizontalAdvance(text) + 8, fm.height() + 4));
        painter.fillRect(box, QColor(0, 0, 0, 170));
        painter.setPen(Qt::white);
        painter.drawText(box, Qt::AlignCenter, text);
        painter.restore();
    }
}

bool HeatMapLayer::mouseMoved(const CanvasMouseEvent& event)
{
    const std::optional<float> v = valueAt(event.imagePos);
    emit hovered(v.has_value(),
                 QPoint(int(std::floor(event.imagePos.x())), int(std::floor(event.imagePos.y()))),
                 v.value_or(0.0f));
    return false; // hovering informs; the active tool keeps the event
}

} // namespace loupe::views
