// SPDX-License-Identifier: MIT
#pragma once

#include "views/canvas/canvaslayer.h"
#include "views/canvas/viewtransform.h"

#include <QImage>
#include <QPointer>
#include <QRegion>
#include <QTimer>
#include <QWidget>
#include <unordered_map>

namespace loupe::annotation {
struct LabelDef;
struct Shape;
} // namespace loupe::annotation

namespace loupe::views {

class ShapeScene;

// How a shape's outline is stroked: a model's proposal still in review state New is dashed until
// someone accepts it (solid), a rejected shape dotted, everything else solid.
Qt::PenStyle outlineStyle(const annotation::Shape& s);
// The text shown over the hovered shape: its label's name and, for a model's shape, its score
// ("cat 0.91"); "(no label)" for a proposal a class-agnostic model left unnamed.
QString shapeCaption(const annotation::Shape& s, const annotation::LabelDef* label);

// Draws the shapes of a ShapeScene on the canvas: label colours, selected and hovered shapes, handles
// of a constant on-screen size at any zoom, then the active tool's preview. Only shapes whose bounds
// meet the exposed rectangle are visited (the scene's grid index), vertices closer than a screen pixel
// to the previous one are skipped and shapes smaller than two pixels become dots, so thousands of
// shapes pan smoothly. Repaints only the region a document change touched.
class ShapeLayer : public CanvasLayer
{
    Q_OBJECT
public:
    explicit ShapeLayer(ShapeScene* scene, QObject* parent = nullptr);

    void paint(QPainter& painter, const ViewTransform& view, const QRectF& exposedImageRect) override;

    // The widget the layer is shown in. With it the layer keeps its drawing in a viewport-sized cache:
    // a pan moves the cache and draws only the strip that came into view, an edit redraws only the
    // region it touched. Without it, every paint draws every visible shape.
    void setViewport(QWidget* widget);

    // Shapes drawn by the last paint() call (after culling), for tests and the benchmark.
    int lastPaintedCount() const { return m_lastPainted; }
    // Whether the shapes in view are drawn antialiased (see kAntialiasLimit).
    bool isAntialiased() const { return m_antialias; }
    // Above this many shapes in view, antialiasing is turned off (a level-of-detail step).
    static constexpr int kAntialiasLimit = 1500;
    // A zoom step with more shapes than this in view first shows the cached drawing scaled, and draws
    // the shapes anew once the zoom has rested kSettleMs: wheel zooming stays fluid with thousands of
    // shapes (a full redraw of 5,000 polygons takes tens of milliseconds).
    static constexpr int kDeferAbove = 1000;
    static constexpr int kSettleMs = 120;
    // Whether the last paint showed a scaled cache that is still to be redrawn.
    bool isSettling() const { return m_settle.isActive(); }

private:
    void drawShapes(QPainter& p, const ViewTransform& view, const QRectF& widgetRect);
    void paintCached(QPainter& painter, const ViewTransform& view);
    void drawDecorations(QPainter& painter, const ViewTransform& view);
    void drawShape(QPainter& p, const ViewTransform& view, const annotation::Shape& s);
    void drawMask(QPainter& p, const ViewTransform& view, const annotation::Shape& s, const QColor& color);
    void drawHandles(QPainter& p, const ViewTransform& view, const annotation::Shape& s);
    void onSceneChanged(const QRectF& imageRect);
    void onOverlayChanged(const QRectF& imageRect);
    QRectF withMargin(const QRectF& imageRect, const ViewTransform& view) const;

    struct MaskImage
    {
        std::vector<uint32_t> runs;
        QColor color;
        QRect box;
        QImage image;
    };

    QPointer<ShapeScene> m_scene;
    ViewTransform m_lastView;
    int m_lastPainted = 0;
    bool m_antialias = true;
    QPointer<QWidget> m_viewport;
    QImage m_cache; // the shapes as drawn for m_cacheView, viewport-sized, transparent elsewhere
    ViewTransform m_cacheView;
    bool m_cacheValid = false;
    QTimer m_settle;
    QRegion m_dirty; // parts of the cache to draw again (widget pixels of m_cacheView)
    std::unordered_map<qint64, MaskImage> m_masks;
};

} // namespace loupe::views
