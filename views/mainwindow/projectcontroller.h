// SPDX-License-Identifier: MIT
#pragma once

#include "views/mainwindow/projectbackend.h"

#include <QObject>
#include <QPointer>
#include <memory>

class QUndoStack;

namespace loupe::views {

class DatasetModel;
class DatasetPanel;
class ImageCanvas;

// The open project as the window sees it: holds the ProjectBackend, feeds the dataset browser and
// shows the selected asset on the canvas. Widgets never talk to the store directly.
class ProjectController : public QObject
{
    Q_OBJECT
public:
    ProjectController(ImageCanvas* canvas, ProjectOpener opener, QObject* parent = nullptr);
    ~ProjectController() override;

    bool hasProject() const { return bool(m_backend); }
    QString projectPath() const;
    QString projectSummary() const;
    ProjectBackend* backend() const { return m_backend.get(); }
    DatasetModel* datasetModel() const { return m_model; }
    DatasetPanel* datasetPanel() const { return m_panel; }
    qint64 currentAsset() const { return m_currentAsset; }

    bool openProject(const QString& path, QString* error);
    bool createProject(const QString& path, QString* error);
    bool saveAs(const QString& path, QString* error);
    void closeProject();
    void importPaths(const QStringList& paths);
    void importVideo(const QString& path, int stride);

    // Edit > Undo/Redo go to this stack while it is set (the annotation document's, which also holds
    // the project-level steps); otherwise to the backend's own history.
    void setUndoStack(QUndoStack* stack);
    bool canUndo() const;
    bool canRedo() const;
    QString undoText() const;
    QString redoText() const;

    QWidget* createDatasetPanel(QWidget* parent);
    QWidget* createJobsPanel(QWidget* parent);
    // Where background work of the window reports (imports, explanations, quality runs).
    core::JobTracker* jobTracker() const { return m_jobs; }

public slots:
    void undo();
    void redo();
    void selectRow(int row);
    void selectNext();
    void selectPrevious();
    // Shows an asset: selects its row when the browser has it, else shows it on the canvas alone
    // (frame stepping reaches frames the browser's filter or paging does not hold).
    void showAsset(qint64 assetId, const QString& absolutePath);

signals:
    // Emitted while the project is still open, before closeProject() lets it go.
    void aboutToCloseProject();
    void projectChanged();
    void historyChanged();
    void errorOccurred(const QString& title, const QString& message);
    void statusMessage(const QString& text);
    void currentAssetChanged(qint64 assetId);

private:
    bool adopt(std::unique_ptr<ProjectBackend> backend);
    void showRow(int row);

    QPointer<ImageCanvas> m_canvas; // may die first when the window tears down
    ProjectOpener m_opener;
    std::unique_ptr<ProjectBackend> m_backend;
    DatasetModel* m_model = nullptr;
    DatasetPanel* m_panel = nullptr;
    core::JobTracker* m_jobs; // the session's jobs, across projects (the Jobs dock)
    QPointer<QUndoStack> m_undoStack;
    qint64 m_currentAsset = -1;
    bool m_selectFirst = false;
};

} // namespace loupe::views
