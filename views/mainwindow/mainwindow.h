// SPDX-License-Identifier: MIT
#pragma once

#include "views/mainwindow/projectbackend.h"

#include <QMainWindow>

class QDockWidget;
class QLabel;
class QActionGroup;

namespace loupe::views {

class AnnotationBinding;
class ExplainPanel;
class ImageCanvas;
class CanvasStatus;
class RecentProjects;
class ProjectController;

// The workbench window: the canvas in the middle, Dataset / Jobs / Info docks around it (layout kept
// across sessions), File/Edit/View/Help menus with standard shortcuts. Project state lives in a
// ProjectController; the window only shows it and forwards user actions.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    // `opener` opens and creates projects (the core store in the app; a fake in some tests).
    explicit MainWindow(ProjectOpener opener, QWidget* parent = nullptr);
    ~MainWindow() override;

    ImageCanvas* canvas() const { return m_canvas; }
    CanvasStatus* canvasStatus() const { return m_canvasStatus; }
    ProjectController* controller() const { return m_controller; }
    RecentProjects* recentProjects() const { return m_recent; }
    QDockWidget* datasetDock() const { return m_datasetDock; }
    QDockWidget* jobsDock() const { return m_jobsDock; }
    QDockWidget* infoDock() const { return m_infoDock; }
    QDockWidget* explainDock() const { return m_explainDock; }
    QDockWidget* captionDock() const { return m_captionDock; }
    QDockWidget* askDock() const { return m_askDock; }
    ExplainPanel* explainPanel() const { return m_explain; }
    AnnotationBinding* annotation() const { return m_annotation; }

    // Opens a project; on failure shows the reason in a message box (unless quiet) and returns false.
    bool openProject(const QString& path, bool quiet = false);
    QString lastError() const { return m_lastError; }

public slots:
    void newProject();
    void openProjectDialog();
    void saveProjectAs();
    void importImages();
    void importFolder();
    void showAbout();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createMenus();
    void createDocks();
    void restoreLayout();
    void saveLayout();
    void updateTitle();
    void showError(const QString& title, const QString& message);
    void updateInfo();

    ImageCanvas* m_canvas = nullptr;
    CanvasStatus* m_canvasStatus = nullptr;
    ProjectController* m_controller = nullptr;
    RecentProjects* m_recent = nullptr;
    QDockWidget* m_datasetDock = nullptr;
    QDockWidget* m_jobsDock = nullptr;
    QDockWidget* m_infoDock = nullptr;
    QDockWidget* m_explainDock = nullptr;
    QDockWidget* m_captionDock = nullptr;
    QDockWidget* m_askDock = nullptr;
    ExplainPanel* m_explain = nullptr;
    QLabel* m_info = nullptr;
    AnnotationBinding* m_annotation = nullptr;
    QString m_lastError;
};

} // namespace loupe::views
