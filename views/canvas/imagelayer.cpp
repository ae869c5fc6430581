// SPDX-License-Identifier: MIT
#include "views/canvas/imagelayer.h"

#include <QPainter>
#include <QtMath>

namespace loupe::views {

ImageLayer::ImageLayer(QObject* parent) : CanvasLayer(QStringLiteral("Image"), parent)
{
    connect(&m_pyramid, &TilePyramid::levelReady, this, [this] { emit changed(); });
}

void ImageLayer::setImage(const QImage& display)
{
    m_pyramid.setImage(display);
    emit changed();
}

int ImageLayer::wantedLevel(double zoom) const
{
    if (zoom >= 1.0 || m_pyramid.levelCount() <= 1) return 0;
    const int level = int(std::floor(std::log2(1.0 / zoom) + 1e-9));
    return std::clamp(level, 0, m_pyramid.levelCount() - 1);
}

int ImageLayer::drawnLevel(int wanted) const
{
    for (int l = wanted; l < m_pyramid.levelCount(); ++l)
        if (m_pyramid.isLevelReady(l)) return l;
    return 0;
}

void ImageLayer::paint(QPainter& painter, const ViewTransform& view, const QRectF& exposed)
{
    const QImage& base = m_pyramid.base();
    if (base.isNull() || exposed.isEmpty()) return;
    const QRectF imageRect(QPointF(0, 0), QSizeF(base.size()));
    const QRectF visible = exposed.intersected(imageRect);
    if (visible.isEmpty()) return;
    painter.setClipRect(view.imageToWidget(imageRect), Qt::IntersectClip);
    if (base.hasAlphaChannel()) paintCheckerboard(painter, view.imageToWidget(visible));
    const int wanted = wantedLevel(view.zoom());
    const int level = drawnLevel(wanted);
    if (level == 0)
        // Magnified: crisp pixels. Reduced with no tiles yet: nearest sampling keeps it cheap.
        paintBase(painter, view, visible, view.zoom() < 1.0 && wanted == 0);
    else
        paintLevel(painter, view, visible, level);
}

void ImageLayer::paintBase(QPainter& painter, const ViewTransform& view, const QRectF& visible, bool smooth)
{
    const QRect src = visible.toAlignedRect().intersected(m_pyramid.base().rect());
    painter.setRenderHint(QPainter::SmoothPixmapTransform, smooth);
    painter.drawImage(view.imageToWidget(QRectF(src)), m_pyramid.base(), QRectF(src));
}

void ImageLayer::paintLevel(QPainter& painter, const ViewTransform& view, const QRectF& visible, int level)
{
    const int f = 1 << level;
    const int t = TilePyramid::kTileSize;
    // Draw in level coordinates so adjacent tiles share exact edges (no seams).
    painter.save();
    painter.setTransform(QTransform::fromScale(f, f) * view.imageToWidgetTransform(), true);
    painter.setRenderHint(QPainter::SmoothPixmapTransform, true);
    const QRectF lv(visible.topLeft() / f, visible.size() / f);
    const QSize size = m_pyramid.levelSize(level);
    const int tx0 = std::max(0, int(lv.left()) / t), ty0 = std::max(0, int(lv.top()) / t);
    const int tx1 = std::min((size.width() - 1) / t, int(lv.right()) / t);
    const int ty1 = std::min((size.height() - 1) / t, int(lv.bottom()) / t);
    for (int ty = ty0; ty <= ty1; ++ty)
        for (int tx = tx0; tx <= tx1; ++tx) {
            const QImage tile = m_pyramid.tile(level, tx, ty);
            if (!tile.isNull()) painter.drawImage(QPointF(tx * t, ty * t), tile);
        }
    painter.restore();
}

void ImageLayer::paintCheckerboard(QPainter& painter, const QRectF& widgetRect)
{
    static const QPixmap checker = [] {
        QPixmap pm(16, 16);
        pm.fill(QColor(200, 200, 200));
        QPainter p(&pm);
        p.fillRect(0, 0, 8, 8, QColor(150, 150, 150));
        p.fillRect(8, 8, 8, 8, QColor(150, 150, 150));
        return pm;
    }();
    painter.fillRect(widgetRect, QBrush(checker));
}

} // namespace loupe::views
