// SPDX-License-Identifier: MIT
#include "views/explain/patchprobetool.h"

#include "views/canvas/imagecanvas.h"

namespace loupe::views {

namespace {
constexpr double kClickSlop = 4.0; // screen pixels a click may wander before it becomes a drag
}

PatchProbeTool::PatchProbeTool(QObject* parent) : CanvasTool(QStringLiteral("Probe patch"), parent) {}

void PatchProbeTool::deactivate()
{
    m_pressed = false;
    CanvasTool::deactivate();
    emit deactivated();
}

bool PatchProbeTool::mousePressed(const CanvasMouseEvent& e)
{
    if (e.button != Qt::LeftButton) return false;
    m_pressed = true;
    m_dragged = false;
    m_pressWidget = e.widgetPos;
    m_grab = e.imagePos;
    return true;
}

bool PatchProbeTool::mouseMoved(const CanvasMouseEvent& e)
{
    if (!m_pressed) return false;
    if (!m_dragged && (e.widgetPos - m_pressWidget).manhattanLength() > kClickSlop) m_dragged = true;
    if (m_dragged && canvas()) canvas()->setView(e.view.anchored(m_grab, e.widgetPos));
    return true;
}

bool PatchProbeTool::mouseReleased(const CanvasMouseEvent& e)
{
    if (!m_pressed || e.button != Qt::LeftButton) return false;
    m_pressed = false;
    if (!m_dragged) emit probed(e.imagePos);
    return true;
}

} // namespace loupe::views
