// SPDX-License-Identifier: MIT
#include "app/screenshot.h"

#include "views/canvas/imagecanvas.h"
#include "views/canvas/imagelayer.h"
#include "views/mainwindow/mainwindow.h"

#include <QApplication>
#include <QPixmap>
#include <QTextStream>
#include <QTimer>

namespace loupe {

ScreenshotOnFirstImage::ScreenshotOnFirstImage(views::MainWindow* window, QString path, bool waitForImage)
    : QObject(window), m_window(window), m_path(std::move(path))
{
    bool ok = false;
    const int timeout = qEnvironmentVariableIntValue("LOUPE_SCREENSHOT_TIMEOUT", &ok);
    QTimer::singleShot((ok && timeout > 0 ? timeout : 30) * 1000, this, [this] { capture(3); });
    if (!waitForImage) {
        QTimer::singleShot(800, this, [this] { capture(0); });
        return;
    }
    connect(window->canvas(), &views::ImageCanvas::imageChanged, this, [this](QSize size) {
        if (!size.isEmpty()) scheduleCapture();
    });
}

void ScreenshotOnFirstImage::scheduleCapture()
{
    // Wait for the reduced levels so the grab shows the final smooth rendering, then let the
    // thumbnails of the dataset dock settle.
    views::TilePyramid& pyramid = m_window->canvas()->imageLayer()->pyramid();
    if (!pyramid.isComplete()) {
        connect(&pyramid, &views::TilePyramid::levelReady, this, [this, &pyramid] {
            if (pyramid.isComplete()) scheduleCapture();
        });
        return;
    }
    QTimer::singleShot(700, this, [this] { capture(0); });
}

void ScreenshotOnFirstImage::capture(int exitCode)
{
    if (m_done) return;
    m_done = true;
    const QPixmap shot = m_window->grab();
    if (!shot.save(m_path, "PNG")) {
        QTextStream(stderr) << "loupe: cannot write screenshot " << m_path << "\n";
        exitCode = 4;
    }
    QApplication::exit(exitCode);
}

} // namespace loupe
