// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QString>

namespace loupe::views {
class MainWindow;
}

namespace loupe {

// LOUPE_SCREENSHOT=file.png: once the first image is on the canvas (and its tiles are built), saves
// a grab of the whole window and quits with 0; if nothing shows within LOUPE_SCREENSHOT_TIMEOUT
// seconds (default 30), saves what is there and quits with 3. Used by the screenshot test.
// With LOUPE_SCREENSHOT_EXPLAIN set, the Explain dock is brought to the front and the grab waits until
// its map is on the canvas.
class ScreenshotOnFirstImage : public QObject
{
    Q_OBJECT
public:
    ScreenshotOnFirstImage(views::MainWindow* window, QString path, bool waitForImage);

private:
    void scheduleCapture();
    void showExplanation();
    void capture(int exitCode);

    views::MainWindow* m_window;
    QString m_path;
    bool m_done = false;
};

} // namespace loupe
