// SPDX-License-Identifier: MIT
#pragma once

#include "views/canvas/canvastool.h"

namespace loupe::views {

// Canvas tool of the Explain view: a click on the image picks that patch as the token whose attention
// row (what it attends to) or column (what attends to it) is shown. Dragging still pans.
class PatchProbeTool : public CanvasTool
{
    Q_OBJECT
public:
    explicit PatchProbeTool(QObject* parent = nullptr);
    QCursor cursor() const override { return Qt::CrossCursor; }

    void deactivate() override;
    bool mousePressed(const CanvasMouseEvent& e) override;
    bool mouseMoved(const CanvasMouseEvent& e) override;
    bool mouseReleased(const CanvasMouseEvent& e) override;

signals:
    void probed(QPointF imagePos);
    void deactivated(); // another tool took over the canvas

private:
    bool m_pressed = false;
    bool m_dragged = false;
    QPointF m_pressWidget;
    QPointF m_grab;
};

} // namespace loupe::views
