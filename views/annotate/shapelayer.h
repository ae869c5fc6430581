// SPDX-License-Identifier: MIT
#pragma once

#include "views/canvas/canvaslayer.h"
#include "views/canvas/viewtransform.h"

#include <QImage>
#include <QPointer>
#include <unordered_map>

namespace loupe::annotation {
struct Shape;
} // namespace loupe::annotation

namespace loupe::views {

class ShapeScene;

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

    // Shapes painted by the last paint() call (after culling), for tests and the benchmark.
    int lastPaintedCount() const { return m_lastPainted; }
    // Above this many shapes in view, antialiasing is turned off (a level-of-detail step).
    static constexpr int kAntialiasLimit = 1500;

private:
    void drawShape(QPainter& p, const ViewTransform& view, const annotation::Shape& s);
    void drawMask(QPainter& p, const ViewTransform& view, const annotation::Shape& s, const QColor& color);
    void drawHandles(QPainter& p, const ViewTransform& view, const annotation::Shape& s);
    void onSceneChanged(const QRectF& imageRect);

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
    std::unordered_map<qint64, MaskImage> m_masks;
};

} // namespace loupe::views
