// SPDX-License-Identifier: MIT
#pragma once

#include "views/canvas/canvasevent.h"

#include <QCursor>
#include <QObject>

namespace loupe::views {

class ImageCanvas;

// An interaction mode of the canvas (pan now; box, polygon, brush later). The canvas routes pointer
// and key events to the active tool in image coordinates; the tool acts through the canvas API.
class CanvasTool : public QObject
{
    Q_OBJECT
public:
    explicit CanvasTool(QString name, QObject* parent = nullptr);

    QString name() const { return m_name; }
    virtual QCursor cursor() const { return Qt::ArrowCursor; }

    virtual void activate(ImageCanvas* canvas) { m_canvas = canvas; }
    virtual void deactivate() { m_canvas = nullptr; }

    virtual bool mousePressed(const CanvasMouseEvent&) { return false; }
    virtual bool mouseMoved(const CanvasMouseEvent&) { return false; }
    virtual bool mouseReleased(const CanvasMouseEvent&) { return false; }
    virtual bool keyPressed(const CanvasKeyEvent&) { return false; }

protected:
    ImageCanvas* canvas() const { return m_canvas; }

private:
    QString m_name;
    ImageCanvas* m_canvas = nullptr;
};

} // namespace loupe::views
