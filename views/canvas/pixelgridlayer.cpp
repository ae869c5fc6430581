// SPDX-License-Identifier: MIT
#include "views/canvas/pixelgridlayer.h"

#include <QPainter>
#include <QVarLengthArray>
#include <QtMath>

namespace loupe::views {

PixelGridLayer::PixelGridLayer(QObject* parent) : CanvasLayer(QStringLiteral("Pixel grid"), parent) {}

void PixelGridLayer::paint(QPainter& painter, const ViewTransform& view, const QRectF& exposed)
{
    if (view.zoom() < kMinZoom || m_size.isEmpty()) return;
    const QRectF visible = exposed.intersected(QRectF(QPointF(0, 0), QSizeF(m_size)));
    if (visible.isEmpty()) return;
    const int x0 = qFloor(visible.left()), x1 = qCeil(visible.right());
    const int y0 = qFloor(visible.top()), y1 = qCeil(visible.bottom());
    QVarLengthArray<QLineF, 512> lines;
    for (int x = x0; x <= x1; ++x)
        lines.append(QLineF(view.imageToWidget(QPointF(x, y0)), view.imageToWidget(QPointF(x, y1))));
    for (int y = y0; y <= y1; ++y)
        lines.append(QLineF(view.imageToWidget(QPointF(x0, y)), view.imageToWidget(QPointF(x1, y))));
    // A cosmetic pen of width 0 is one device pixel whatever the scale; grey at half opacity shows
    // on dark and light pixels alike.
    painter.setPen(QPen(QColor(128, 128, 128, 110), 0));
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.drawLines(lines.constData(), int(lines.size()));
}

} // namespace loupe::views
