// SPDX-License-Identifier: MIT
// Shared by the tests that put a canvas with a companion widget in a window and load a file into it.
#pragma once

#include "views/canvas/imagecanvas.h"

#include <QSignalSpy>
#include <QTest>
#include <QWidget>

namespace canvas_test {

// Shows `window` and loads `file` into `canvas` (a child of it); false when the window is not exposed or
// the canvas did not take exactly that one image within five seconds.
inline bool showAndLoad(QWidget& window, loupe::views::ImageCanvas& canvas, const QString& file)
{
    window.show();
    if (!QTest::qWaitForWindowExposed(&window)) return false;
    QSignalSpy loaded(&canvas, &loupe::views::ImageCanvas::imageChanged);
    canvas.loadImage(file);
    return QTest::qWaitFor([&] { return loaded.size() >= 1; }) && loaded.size() == 1;
}

} // namespace canvas_test
