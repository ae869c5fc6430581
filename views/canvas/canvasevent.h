// SPDX-License-Identifier: MIT
#pragma once

#include "views/canvas/viewtransform.h"

#include <QPointF>

namespace loupe::views {

// A pointer event as layers and tools see it: the position in image coordinates plus the view, so
// tool logic never depends on widget pixels (tolerances: view.widgetToImageLength(screenPixels)).
struct CanvasMouseEvent
{
    QPointF imagePos;
    QPointF widgetPos;
    Qt::MouseButton button = Qt::NoButton; // the button that changed (press/release)
    Qt::MouseButtons buttons;              // buttons held
    Qt::KeyboardModifiers modifiers;
    ViewTransform view;
    bool doubleClick = false; // the press is the second click of a double-click
};

struct CanvasKeyEvent
{
    int key = 0;
    Qt::KeyboardModifiers modifiers;
    bool autoRepeat = false;
    QPointF imagePos; // cursor position at the time of the key, image coordinates
    ViewTransform view;
};

} // namespace loupe::views
