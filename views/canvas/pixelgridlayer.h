// SPDX-License-Identifier: MIT
#pragma once

#include "views/canvas/canvaslayer.h"

#include <QSize>

namespace loupe::views {

// Thin lines between image pixels once they are big enough to tell apart (from kMinZoom up), so
// annotators can place vertices on exact pixel corners. Lines are one device pixel wide.
class PixelGridLayer : public CanvasLayer
{
    Q_OBJECT
public:
    static constexpr double kMinZoom = 12.0;
    explicit PixelGridLayer(QObject* parent = nullptr);

    void imageChanged(QSize size) override { m_size = size; }
    void paint(QPainter& painter, const ViewTransform& view, const QRectF& exposedImageRect) override;

private:
    QSize m_size;
};

} // namespace loupe::views
