// SPDX-License-Identifier: MIT
#include "views/mainwindow/projectcontroller.h"

#include "core/jobs/jobtracker.h"
#include "views/canvas/imagecanvas.h"
#include "views/dataset/datasetmodel.h"
#include "views/dataset/datasetpanel.h"
#include "views/jobs/jobspanel.h"

#include <QLabel>
#include <QUndoStack>

namespace loupe::views {

ProjectController::ProjectController(ImageCanvas* canvas, ProjectOpener opener, QObject* parent)
    : QObject(parent), m_canvas(canvas), m_opener(std::move(opener)), m_jobs(new core::JobTracker(this))
{
    connect(canvas, &ImageCanvas::nextImageRequested, this, &ProjectController::selectNext);
    connect(canvas, &ImageCanvas::previousImageRequested, this, &ProjectController::selectPrevious);
    canvas->setEmptyText(
        tr("No project open.\nFile ▸ Open Project… (Ctrl+O) or File ▸ New Project… (Ctrl+N)"));
}

ProjectController::~ProjectController()
{
    closeProject();
}

QString ProjectController::projectPath() const
{
    return m_backend ? m_backend->path() : QString();
}

QString ProjectController::projectSummary() const
{
    return m_backend ? m_backend->summary() : QString();
}

bool ProjectController::openProject(const QString& path, QString* error)
{
    if (!m_opener) {
        *error = tr("No project store is available in this build.");
        return false;
    }
    return adopt(m_opener(path, false, error));
}

bool ProjectController::createProject(const QString& path, QString* error)
{
    if (!m_opener) {
        *error = tr("No project store is available in this build.");
        return false;
    }
    return adopt(m_opener(path, true, error));
}

bool ProjectController::adopt(std::unique_ptr<ProjectBackend> backend)
{
    if (!backend) return false; // the current project stays open
    closeProject();
    m_backend = std::move(backend);
    ProjectBackend* b = m_backend.get();
    b->setJobTracker(m_jobs);
    connect(b, &ProjectBackend::historyChanged, this, &ProjectController::historyChanged);
    connect(b, &ProjectBackend::errorOccurred, this, &ProjectController::errorOccurred);
    connect(b, &ProjectBackend::statusMessage, this, &ProjectController::statusMessage);

    m_model = new DatasetModel(b->assetSourceFactory(), this);
    m_model->setThumbnailRequester([b, side = m_model->thumbnailSize()](qint64 id, const QString& path) {
        b->requestThumbnail(id, path, side);
    });
    connect(b, &ProjectBackend::thumbnailReady, m_model, &DatasetModel::setThumbnail);
    connect(b, &ProjectBackend::assetsChanged, m_model, &DatasetModel::refresh);
    connect(m_model, &DatasetModel::errorOccurred, this,
            [this](const QString& m) { emit errorOccurred(tr("Cannot read the project"), m); });
    // Show the first image as soon as the first page arrives.
    m_selectFirst = true;
    connect(m_model, &DatasetModel::pageLoaded, this, [this](int page) {
        if (m_selectFirst && page == 0 && m_model->rowCount() > 0) {
            m_selectFirst = false;
            selectRow(0);
        }
    });
    connect(m_model, &DatasetModel::countChanged, this, [this](int) {
        if (m_selectFirst && m_model->rowAt(0)) {
            m_selectFirst = false;
            selectRow(0);
        }
    });
    if (m_panel) {
        m_panel->setModel(m_model);
        m_panel->setLabels(b->labels());
        m_panel->setSplits(b->splits());
        m_panel->setReviewStates(b->reviewStates());
    }
    if (m_canvas)
        m_canvas->setEmptyText(tr("No images yet.\nFile ▸ Import Images… (Ctrl+I), Import Folder… "
                                  "(Ctrl+Shift+I) or Import Video…"));
    emit projectChanged();
    emit historyChanged();
    return true;
}

void ProjectController::closeProject()
{
    if (!m_backend) return;
    emit aboutToCloseProject();
    if (m_panel) m_panel->setModel(nullptr);
    delete m_model;
    m_model = nullptr;
    m_backend.reset();
    m_currentAsset = -1;
    if (m_canvas) {
        m_canvas->clearImage();
        m_canvas->setEmptyText(
            tr("No project open.\nFile ▸ Open Project… (Ctrl+O) or File ▸ New Project… (Ctrl+N)"));
    }
    emit projectChanged();
    emit historyChanged();
}

bool ProjectController::saveAs(const QString& path, QString* error)
{
    if (!m_backend) {
        *error = tr("No project is open.");
        return false;
    }
    if (!m_backend->saveAs(path, error)) return false;
    emit statusMessage(tr("Saved a copy as %1").arg(path));
    return true;
}

void ProjectController::importPaths(const QStringList& paths)
{
    if (m_backend) m_backend->importPaths(paths);
}

void ProjectController::importVideo(const QString& path, int stride)
{
    if (m_backend) m_backend->importVideo(path, stride);
}

void ProjectController::setUndoStack(QUndoStack* stack)
{
    if (m_undoStack) disconnect(m_undoStack, nullptr, this, nullptr);
    m_undoStack = stack;
    if (stack) connect(stack, &QUndoStack::indexChanged, this, &ProjectController::historyChanged);
    emit historyChanged();
}

bool ProjectController::canUndo() const
{
    if (m_undoStack) return m_undoStack->canUndo();
    return m_backend && m_backend->canUndo();
}
bool ProjectController::canRedo() const
{
    if (m_undoStack) return m_undoStack->canRedo();
    return m_backend && m_backend->canRedo();
}
QString ProjectController::undoText() const
{
    if (m_undoStack) return m_undoStack->undoText();
    return m_backend ? m_backend->undoText() : QString();
}
QString ProjectController::redoText() const
{
    if (m_undoStack) return m_undoStack->redoText();
    return m_backend ? m_backend->redoText() : QString();
}

void ProjectController::undo()
{
    if (m_undoStack)
        m_undoStack->undo();
    else if (canUndo())
        m_backend->undo();
}

void ProjectController::redo()
{
    if (m_undoStack)
        m_undoStack->redo();
    else if (canRedo())
        m_backend->redo();
}

QWidget* ProjectController::createDatasetPanel(QWidget* parent)
{
    m_panel = new DatasetPanel(parent);
    connect(m_panel, &DatasetPanel::assetActivated, this, &ProjectController::showRow);
    if (m_model) m_panel->setModel(m_model);
    return m_panel;
}

QWidget* ProjectController::createJobsPanel(QWidget* parent)
{
    return new JobsPanel(m_jobs, parent);
}

void ProjectController::selectRow(int row)
{
    if (m_panel && m_model && m_panel->model() == m_model)
        m_panel->selectRow(row); // the panel reports back through assetActivated
    else
        showRow(row);
}

void ProjectController::showRow(int row)
{
    if (!m_model) return;
    const AssetRow* r = m_model->rowAt(row);
    if (!r) return; // its page is on the way; selection arrives again when the user clicks it
    if (r->id == m_currentAsset) return;
    m_currentAsset = r->id;
    if (m_canvas) m_canvas->loadImage(r->absolutePath);
    emit currentAssetChanged(r->id);
}

void ProjectController::selectNext()
{
    if (!m_model || m_model->rowCount() == 0) return;
    const int current = m_panel ? m_panel->currentRow() : m_model->rowOfAsset(m_currentAsset);
    selectRow(std::min(m_model->rowCount() - 1, current + 1));
}

void ProjectController::selectPrevious()
{
    if (!m_model || m_model->rowCount() == 0) return;
    const int current = m_panel ? m_panel->currentRow() : m_model->rowOfAsset(m_currentAsset);
    selectRow(std::max(0, current - 1));
}

void ProjectController::showAsset(qint64 assetId, const QString& absolutePath)
{
    const int row = m_model ? m_model->rowOfAsset(assetId) : -1;
    if (row >= 0) {
        selectRow(row);
        return;
    }
    if (assetId == m_currentAsset) return;
    m_currentAsset = assetId;
    if (m_canvas) m_canvas->loadImage(absolutePath);
    emit currentAssetChanged(assetId);
}

} // namespace loupe::views
