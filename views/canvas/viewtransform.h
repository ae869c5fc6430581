// SPDX-License-Identifier: MIT
#pragma once

#include <QPointF>
#include <QRectF>
#include <QSizeF>
#include <QTransform>

namespace loupe::views {

// The mapping between the two coordinate spaces of the canvas:
//   image space:  image pixels, (0,0) at the top-left corner of the top-left pixel;
//   widget space: logical (device-independent) widget pixels.
// Device pixels are widget pixels times devicePixelRatio(); the user-visible zoom is device pixels
// per image pixel, so "100%" shows one image pixel on one physical pixel, crisp on HiDPI screens.
// A value type: tools and layers receive it by const reference and never keep it.
class ViewTransform
{
public:
    ViewTransform() = default;
    ViewTransform(double scale, QPointF offset, double devicePixelRatio = 1.0);

    double scale() const { return m_scale; }    // widget pixels per image pixel
    QPointF offset() const { return m_offset; } // widget position of image point (0,0)
    double devicePixelRatio() const { return m_dpr; }
    double zoom() const { return m_scale * m_dpr; } // device pixels per image pixel

    QPointF imageToWidget(QPointF p) const { return p * m_scale + m_offset; }
    QPointF widgetToImage(QPointF p) const { return (p - m_offset) / m_scale; }
    QRectF imageToWidget(const QRectF& r) const;
    QRectF widgetToImage(const QRectF& r) const;
    // The image pixel that contains a widget point (may lie outside the image).
    QPoint imagePixelAt(QPointF widgetPos) const;
    // A length given in screen pixels (hit tolerances, handle sizes) expressed in image pixels.
    double widgetToImageLength(double widgetLength) const { return widgetLength / m_scale; }
    QTransform imageToWidgetTransform() const;

    // Same view with a new zoom, keeping the image point under widgetAnchor where it is.
    ViewTransform zoomedAt(QPointF widgetAnchor, double newZoom) const;
    // Same zoom, moved so that imagePoint lands on widgetPos.
    ViewTransform anchored(QPointF imagePoint, QPointF widgetPos) const;
    ViewTransform panned(QPointF widgetDelta) const;
    // Offsets snapped to whole device pixels so that 1:1 and integer zooms stay crisp.
    ViewTransform snapped() const;

    // The whole image centred in the viewport, as large as fits (with a margin in widget pixels).
    static ViewTransform fit(QSizeF image, QSizeF viewport, double devicePixelRatio, double margin = 0);
    // The image centred in the viewport at the given zoom.
    static ViewTransform centered(QSizeF image, QSizeF viewport, double zoom, double devicePixelRatio);

    bool operator==(const ViewTransform& o) const = default;

private:
    double m_scale = 1.0;
    QPointF m_offset;
    double m_dpr = 1.0;
};

} // namespace loupe::views
