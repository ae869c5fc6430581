// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QPointer>

class QAction;
class QMainWindow;

namespace loupe::core {
class Project;
} // namespace loupe::core

namespace loupe::views {

class CanvasStatus;
class ProjectController;

// Videos in the window: File > Import Video… (a file, then which frames: every Nth), View > Next Frame
// (Alt+Right) and Previous Frame (Alt+Left), which step through the shown image's sequence (a video's
// frames in frame order, else the images of its folder by file name), and the status bar's place of
// the image in that sequence ("frame 12 · 13 / 240").
class VideoBinding : public QObject
{
    Q_OBJECT
public:
    VideoBinding(QMainWindow* window, ProjectController* controller, CanvasStatus* status);

    // Adds the actions to the File and View menus; call once the menus exist.
    void install();
    QAction* importAction() const { return m_import; }
    QAction* nextFrameAction() const { return m_next; }
    QAction* previousFrameAction() const { return m_previous; }

    // Asks for a video and a stride, then imports it as a background job (the Jobs dock).
    void importVideoDialog();
    // Shows the frame `step` places after (or before, when negative) the shown one; false at either
    // end of the sequence or without a project or image.
    bool stepFrame(int step);
    // The status bar's text for an asset: "frame F · P / N" for a video frame, "P / N" for an image in
    // a folder of several, empty for a lone image.
    QString frameText(qint64 assetId) const;

signals:
    void message(const QString& text);

private:
    core::Project* project() const;
    void refresh();

    QMainWindow* m_window;
    QPointer<ProjectController> m_controller;
    QPointer<CanvasStatus> m_status;
    QAction* m_import = nullptr;
    QAction* m_next = nullptr;
    QAction* m_previous = nullptr;
};

} // namespace loupe::views
