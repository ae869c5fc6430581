// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/shapes/shape.h"
#include "views/canvas/canvastool.h"

#include <QPointer>

class QPainter;

namespace loupe::views {

class ShapeScene;

// Base of the annotation tools: they edit the scene's document through undo commands, work in image
// coordinates with tolerances given in screen pixels, and may draw a preview over the shapes (the
// ShapeLayer calls paintOverlay for the active tool).
class AnnotateTool : public CanvasTool
{
    Q_OBJECT
public:
    // Screen-pixel sizes shared by tools and the layer, so what is drawn is what can be grabbed.
    static constexpr double kHitPixels = 6;     // clicking on an outline or a shape
    static constexpr double kHandlePixels = 8;  // grabbing a handle (drawn 7 px wide)
    static constexpr double kSnapPixels = 10;   // snapping to another shape's vertex
    static constexpr double kRotatePixels = 24; // rotate handle above a rotated rectangle

    AnnotateTool(QString name, ShapeScene* scene, QObject* parent = nullptr);

    ShapeScene* scene() const { return m_scene; }
    void activate(ImageCanvas* canvas) override;
    void deactivate() override;

    // Drops any gesture in progress (Esc, image change); committed edits stay.
    virtual void cancel() {}
    virtual void paintOverlay(QPainter& painter, const ViewTransform& view)
    {
        Q_UNUSED(painter)
        Q_UNUSED(view)
    }
    // The status-bar hint while the tool is active.
    virtual QString hint() const { return {}; }

protected:
    // p moved onto the nearest vertex of a visible shape within kSnapPixels (unless Shift is held,
    // which turns snapping off for one move). skip: the shape being edited.
    QPointF snapped(QPointF p, const ViewTransform& view, Qt::KeyboardModifiers mods, qint64 skip = 0) const;
    // p kept inside the image.
    QPointF clampedToImage(QPointF p) const;
    void updateOverlay(const QRectF& imageRect = QRectF());
    // A new manual shape of the current label on the current image; nullopt (and a status message)
    // when there is no label to give it.
    std::optional<annotation::Shape> newShape(annotation::Geometry geometry) const;
    // Whether two image points are at least `pixels` apart on screen.
    static bool apartOnScreen(QPointF a, QPointF b, const ViewTransform& view, double pixels);

private:
    QPointer<ShapeScene> m_scene;
};

} // namespace loupe::views
