// SPDX-License-Identifier: MIT
#pragma once

#include "views/annotate/annotatetool.h"

#include <optional>

namespace loupe::views {

// Draws boxes. Rectangle: press at one corner, release at the other. Rotated rectangle: drag along one
// side (this sets its length and angle), release, then move to set the other side and click. Corners
// snap to nearby vertices; Esc cancels.
class BoxTool : public AnnotateTool
{
    Q_OBJECT
public:
    enum class Kind { Rectangle, RotatedRectangle };
    BoxTool(Kind kind, ShapeScene* scene, QObject* parent = nullptr);

    QCursor cursor() const override { return Qt::CrossCursor; }
    QString hint() const override;
    void cancel() override;
    bool mousePressed(const CanvasMouseEvent& e) override;
    bool mouseMoved(const CanvasMouseEvent& e) override;
    bool mouseReleased(const CanvasMouseEvent& e) override;
    bool keyPressed(const CanvasKeyEvent& e) override;
    void paintOverlay(QPainter& painter, const ViewTransform& view) override;

private:
    enum class Phase { Idle, FirstSide, SecondSide };
    QPolygonF preview() const;
    void finish(const ViewTransform& view);

    Kind m_kind;
    Phase m_phase = Phase::Idle;
    QPointF m_a, m_b, m_c;
};

} // namespace loupe::views
