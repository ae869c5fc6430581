// SPDX-License-Identifier: MIT
#include "app/screenshot.h"

#include "views/canvas/imagecanvas.h"
#include "views/canvas/imagelayer.h"
#include "views/explain/explainpanel.h"
#include "views/explain/heatmaplayer.h"
#include "views/mainwindow/mainwindow.h"

#include <QApplication>
#include <QDockWidget>
#include <QPixmap>
#include <QTextStream>
#include <QTimer>
#include <algorithm>

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
    if (qEnvironmentVariableIsSet("LOUPE_SCREENSHOT_EXPLAIN")) {
        showExplanation();
        return;
    }
    QTimer::singleShot(700, this, [this] { capture(0); });
}

void ScreenshotOnFirstImage::showExplanation()
{
    // The Explain dock in front runs the model once; the grab waits for the map on the canvas.
    views::ExplainPanel* panel = m_window->explainPanel();
    auto ready = [this, panel] {
        if (!panel->hasShown() || !panel->layer()->hasMap()) return false;
        QTextStream(stderr) << "loupe: screenshot with explanation " << panel->shown().title() << " ("
                            << panel->shown().rows << "x" << panel->shown().cols << ")\n";
        QTimer::singleShot(700, this, [this] { capture(0); });
        return true;
    };
    // Taller than the default window, so the head grid under the controls is in the picture too.
    m_window->resize(m_window->width(), std::max(m_window->height(), 1000));
    m_window->explainDock()->show();
    m_window->explainDock()->raise();
    if (ready()) return;
    auto* once = new QObject(this);
    connect(panel, &views::ExplainPanel::shownChanged, once, [once, ready] {
        if (ready()) once->deleteLater();
    });
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
