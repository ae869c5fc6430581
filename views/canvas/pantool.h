// SPDX-License-Identifier: MIT
#pragma once

#include "views/canvas/canvastool.h"

#include <optional>

namespace loupe::views {

// Drag with the left button to move the view. The image point grabbed at the press stays under the
// cursor for the whole drag, whatever the zoom.
class PanTool : public CanvasTool
{
    Q_OBJECT
public:
    explicit PanTool(QObject* parent = nullptr);

    QCursor cursor() const override;
    void deactivate() override;
    bool mousePressed(const CanvasMouseEvent& e) override;
    bool mouseMoved(const CanvasMouseEvent& e) override;
    bool mouseReleased(const CanvasMouseEvent& e) override;

private:
    std::optional<QPointF> m_grab; // image point held by the cursor
};

} // namespace loupe::views
