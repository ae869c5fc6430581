// SPDX-License-Identifier: MIT
#pragma once

#include "views/canvas/canvaslayer.h"
#include "views/canvas/tilepyramid.h"

namespace loupe::views {

// The bottom layer: the image, drawn from the level-of-detail tiles that match the zoom. Below 100%
// it draws the level that is at least as fine as the screen (reduced at most 2× more by the
// painter), falling back to the nearest coarser ready level while finer tiles are built; from 100%
// up it draws source pixels as crisp squares so annotators see real pixels.
class ImageLayer : public CanvasLayer
{
    Q_OBJECT
public:
    explicit ImageLayer(QObject* parent = nullptr);

    void setImage(const QImage& display);
    const QImage& image() const { return m_pyramid.base(); }
    TilePyramid& pyramid() { return m_pyramid; }

    // The pyramid level the painter would like at a zoom (device pixels per image pixel).
    int wantedLevel(double zoom) const;
    // The level actually drawn for a wanted level (the wanted one or the nearest coarser ready one;
    // 0 when none is ready).
    int drawnLevel(int wanted) const;

    void paint(QPainter& painter, const ViewTransform& view, const QRectF& exposedImageRect) override;

private:
    void paintLevel(QPainter& painter, const ViewTransform& view, const QRectF& exposed, int level);
    void paintBase(QPainter& painter, const ViewTransform& view, const QRectF& exposed, bool smooth);
    void paintCheckerboard(QPainter& painter, const QRectF& widgetRect);

    TilePyramid m_pyramid;
};

} // namespace loupe::views
