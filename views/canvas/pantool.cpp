// SPDX-License-Identifier: MIT
#include "views/canvas/pantool.h"

#include "views/canvas/imagecanvas.h"

namespace loupe::views {

PanTool::PanTool(QObject* parent) : CanvasTool(QStringLiteral("Pan"), parent) {}

QCursor PanTool::cursor() const
{
    return m_grab ? Qt::ClosedHandCursor : Qt::OpenHandCursor;
}

void PanTool::deactivate()
{
    m_grab.reset();
    CanvasTool::deactivate();
}

bool PanTool::mousePressed(const CanvasMouseEvent& e)
{
    if (e.button != Qt::LeftButton || !canvas()) return false;
    m_grab = e.imagePos;
    canvas()->updateCursor();
    return true;
}

bool PanTool::mouseMoved(const CanvasMouseEvent& e)
{
    if (!m_grab || !canvas()) return false;
    canvas()->setView(e.view.anchored(*m_grab, e.widgetPos));
    return true;
}

bool PanTool::mouseReleased(const CanvasMouseEvent& e)
{
    if (!m_grab || e.button != Qt::LeftButton) return false;
    m_grab.reset();
    if (canvas()) canvas()->updateCursor();
    return true;
}

} // namespace loupe::views
