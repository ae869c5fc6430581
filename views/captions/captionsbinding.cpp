// SPDX-License-Identifier: MIT
#include "views/captions/captionsbinding.h"

#include "annotation/bridge/projectannotations.h"
#include "core/jobs/jobtracker.h"
#include "core/store/project.h"
#include "views/canvas/imagecanvas.h"
#include "views/captions/batchdialog.h"
#include "views/captions/captioneditor.h"
#include "views/dataset/datasetmodel.h"
#include "views/dataset/datasetpanel.h"
#include "views/mainwindow/annotationbinding.h"
#include "views/mainwindow/projectcontroller.h"
#include "views/mainwindow/storebackend.h"
#include "views/match/matchpanel.h"
#include "views/models/modelspanel.h"
#include "views/text/modelfit.h"

#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>

namespace loupe::views {

namespace {
QMenu* panelsMenu(QMainWindow* window)
{
    for (QAction* top : window->menuBar()->actions())
        if (top->menu())
            for (QAction* a : top->menu()->actions())
                if (a->menu() && a->text() == QObject::tr("&Panels")) return a->menu();
    return nullptr;
}
} // namespace

CaptionsBinding::CaptionsBinding(QMainWindow* window, ImageCanvas* canvas, ProjectController* controller,
                                 AnnotationBinding* annotation)
    : QObject(window), m_window(window), m_canvas(canvas), m_controller(controller), m_annotation(annotation)
{
    m_editor = new CaptionEditor(window);
    m_match = new MatchPanel(canvas, window);
    connect(m_editor, &CaptionEditor::message, this, &CaptionsBinding::message);
    connect(m_match, &MatchPanel::statusMessage, this, &CaptionsBinding::message);
    // After AnnotationBinding's handlers (connected first): the project's document exists on open and
    // is gone on close.
    connect(controller, &ProjectController::projectChanged, this, &CaptionsBinding::projectChanged);
    connect(controller, &ProjectController::aboutToCloseProject, this, [this] {
        m_editor->setProject(nullptr, nullptr);
        m_match->setProject(nullptr);
    });
    connect(controller, &ProjectController::currentAssetChanged, this, [this](qint64 assetId) {
        m_editor->setAsset(assetId);
        m_match->setAsset(assetId);
    });
}

void CaptionsBinding::install()
{
    m_captionsDock = new QDockWidget(tr("Captions"), m_window);
    m_captionsDock->setObjectName(QStringLiteral("CaptionsDock"));
    m_captionsDock->setWidget(m_editor);
    m_window->addDockWidget(Qt::RightDockWidgetArea, m_captionsDock);
    m_matchDock = new QDockWidget(tr("Match"), m_window);
    m_matchDock->setObjectName(QStringLiteral("MatchDock"));
    m_matchDock->setWidget(m_match);
    m_window->addDockWidget(Qt::RightDockWidgetArea, m_matchDock);
    // Tabbed with their neighbours, so the window keeps its size with every dock open.
    if (auto* properties = m_window->findChild<QDockWidget*>(QStringLiteral("PropertiesDock")))
        m_window->tabifyDockWidget(properties, m_captionsDock);
    if (auto* explain = m_window->findChild<QDockWidget*>(QStringLiteral("ExplainDock")))
        m_window->tabifyDockWidget(explain, m_matchDock);
    // The tabs the window opened on stay in front.
    for (const char* name : {"InfoDock", "PropertiesDock"})
        if (auto* dock = m_window->findChild<QDockWidget*>(QLatin1String(name))) dock->raise();
    // Matching runs the model on every image change: only while someone looks at the dock.
    m_match->setActive(false);
    connect(m_matchDock, &QDockWidget::visibilityChanged, m_match, &MatchPanel::setActive);
    if (auto* models = m_window->findChild<ModelsPanel*>())
        connect(models, &ModelsPanel::modelSelected, m_match, [this](const QString& folder) {
            if (folderRuns(folder, matchArchitectures())) m_match->setModelFolder(folder);
        });
    if (QMenu* panels = panelsMenu(m_window)) {
        panels->addAction(m_captionsDock->toggleViewAction());
        panels->addAction(m_matchDock->toggleViewAction());
    }

    // In the Annotate menu: captions are annotations of the whole image, and the window's menu bar is
    // fixed (File, Edit, View, Annotate, Help).
    QMenu* menu = nullptr;
    for (QAction* top : m_window->menuBar()->actions())
        if (top->menu() && top->text() == tr("&Annotate")) menu = top->menu();
    if (!menu) menu = m_window->menuBar()->addMenu(tr("&Annotate"));
    menu->addSeparator();
    m_captionAction = menu->addAction(tr("&Caption Selection…"), this, &CaptionsBinding::captionSelection);
    m_captionAction->setObjectName(QStringLiteral("captionSelection"));
    m_matchAction = menu->addAction(tr("&Match Selection…"), this, &CaptionsBinding::matchSelection);
    m_matchAction->setObjectName(QStringLiteral("matchSelection"));
    for (QAction* a : {m_captionAction, m_matchAction})
        a->setEnabled(false);
    if (DatasetPanel* panel = m_controller ? m_controller->datasetPanel() : nullptr) {
        connect(panel, &DatasetPanel::captionSelectionRequested, this, &CaptionsBinding::captionSelection);
        connect(panel, &DatasetPanel::matchSelectionRequested, this, &CaptionsBinding::matchSelection);
    }
}

core::Project* CaptionsBinding::project() const
{
    auto* store = m_controller ? qobject_cast<StoreBackend*>(m_controller->backend()) : nullptr;
    return store ? store->project() : nullptr;
}

void CaptionsBinding::projectChanged()
{
    core::Project* p = project();
    annotation::ProjectAnnotations* pa = m_annotation ? m_annotation->projectAnnotations() : nullptr;
    m_editor->setProject(p, pa ? pa->document() : nullptr);
    m_match->setProject(p);
    if (m_match->modelFolder().isEmpty()) m_match->setModelFolder(firstProjectModel(p, matchArchitectures()));
    const qint64 asset = m_controller ? m_controller->currentAsset() : 0;
    m_editor->setAsset(asset);
    m_match->setAsset(asset);
    for (QAction* a : {m_captionAction, m_matchAction})
        if (a) a->setEnabled(p != nullptr);
}

QList<qint64> CaptionsBinding::selection() const
{
    QList<qint64> ids;
    if (DatasetPanel* panel = m_controller ? m_controller->datasetPanel() : nullptr)
        ids = panel->selectedAssetIds();
    if (ids.isEmpty() && m_controller && m_controller->currentAsset() > 0)
        ids << m_controller->currentAsset();
    return ids;
}

void CaptionsBinding::captionSelection()
{
    batchDialog(core::BatchRequest::Kind::Caption);
}

void CaptionsBinding::matchSelection()
{
    batchDialog(core::BatchRequest::Kind::Match);
}

void CaptionsBinding::batchDialog(core::BatchRequest::Kind kind)
{
    const QList<qint64> ids = selection();
    if (!project() || ids.isEmpty()) {
        emit message(tr("Select images in the Dataset dock first."));
        return;
    }
    BatchDialog dialog(kind, project(), int(ids.size()), m_window);
    if (kind == core::BatchRequest::Kind::Match && !m_match->modelFolder().isEmpty())
        dialog.modelField()->setCurrentText(m_match->modelFolder());
    if (dialog.exec() != QDialog::Accepted) return;
    core::BatchRequest request = dialog.request();
    request.assetIds = ids;
    startBatch(request);
}

core::JobHandle* CaptionsBinding::startBatch(core::BatchRequest request)
{
    core::Project* p = project();
    if (request.assetIds.isEmpty()) request.assetIds = selection();
    if (!p || !m_controller || request.assetIds.isEmpty()) {
        emit message(tr("Select images in the Dataset dock first."));
        return nullptr;
    }
    QPointer<CaptionsBinding> self(this);
    return core::startBatchJob(*m_controller->jobTracker(), p->path(), request,
                               [self](const core::BatchReport& report) {
                                   if (!self) return;
                                   // The worker wrote on its own connection: nothing here saw the rows
                                   // change, so the browser and the editor read them again.
                                   if (self->m_controller && self->m_controller->datasetModel())
                                       self->m_controller->datasetModel()->refresh();
                                   self->m_editor->refresh();
                                   emit self->batchFinished(report);
                               });
}

} // namespace loupe::views
