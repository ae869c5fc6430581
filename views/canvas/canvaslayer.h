// SPDX-License-Identifier: MIT
#pragma once

#include "views/canvas/canvasevent.h"

#include <QObject>
#include <QRectF>

class QPainter;

namespace loupe::views {

// One layer of the canvas: the image, later annotation shapes or heat-map overlays. The canvas paints
// its layers bottom to top and offers them pointer events top to bottom after the active tool, so new
// kinds of content are added as new layers without touching the canvas.
class CanvasLayer : public QObject
{
    Q_OBJECT
public:
    explicit CanvasLayer(QString name, QObject* parent = nullptr);

    QString name() const { return m_name; }
    bool isVisible() const { return m_visible; }
    void setVisible(bool visible);
    double opacity() const { return m_opacity; }
    void setOpacity(double opacity);

    // Paints the part of the layer inside exposedImageRect (image coordinates). The painter is in
    // widget coordinates with the layer's opacity applied; view maps between the two.
    virtual void paint(QPainter& painter, const ViewTransform& view, const QRectF& exposedImageRect) = 0;

    // Event hooks; return true to consume the event.
    virtual bool mousePressed(const CanvasMouseEvent&) { return false; }
    virtual bool mouseMoved(const CanvasMouseEvent&) { return false; }
    virtual bool mouseReleased(const CanvasMouseEvent&) { return false; }
    virtual bool keyPressed(const CanvasKeyEvent&) { return false; }
    // Called when the canvas shows a different image (its size in image pixels).
    virtual void imageChanged(QSize) {}

signals:
    // The layer's content changed; the canvas repaints (the whole view, or just `imageRect`).
    void changed(const QRectF& imageRect = QRectF());

private:
    QString m_name;
    bool m_visible = true;
    double m_opacity = 1.0;
};

} // namespace loupe::views
