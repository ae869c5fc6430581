// SPDX-License-Identifier: MIT
#include "views/prelabel/prelabelbinding.h"

#include "annotation/assist/prelabeljob.h"
#include "annotation/bridge/projectannotations.h"
#include "core/store/project.h"
#include "views/dataset/datasetmodel.h"
#include "views/dataset/datasetpanel.h"
#include "views/mainwindow/annotationbinding.h"
#include "views/mainwindow/projectcontroller.h"
#include "views/mainwindow/storebackend.h"
#include "views/prelabel/prelabeldialog.h"

#include <QAction>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>

namespace loupe::views {

PrelabelBinding::PrelabelBinding(QMainWindow* window, ProjectController* controller,
                                 AnnotationBinding* annotation)
    : QObject(window), m_window(window), m_controller(controller), m_annotation(annotation)
{
    connect(controller, &ProjectController::projectChanged, this, &PrelabelBinding::projectChanged);
}

void PrelabelBinding::install()
{
    QMenu* menu = nullptr;
    for (QAction* top : m_window->menuBar()->actions())
        if (top->menu() && top->text() == tr("&Annotate")) menu = top->menu();
    if (!menu) menu = m_window->menuBar()->addMenu(tr("&Annotate"));
    menu->addSeparator();
    m_action = menu->addAction(tr("&Pre-label Selection…"), this, &PrelabelBinding::prelabelSelection);
    m_action->setObjectName(QStringLiteral("prelabelSelection"));
    m_action->setEnabled(project() != nullptr);
}

core::Project* PrelabelBinding::project() const
{
    auto* store = m_controller ? qobject_cast<StoreBackend*>(m_controller->backend()) : nullptr;
    return store ? store->project() : nullptr;
}

void PrelabelBinding::projectChanged()
{
    if (m_action) m_action->setEnabled(project() != nullptr);
}

QList<qint64> PrelabelBinding::selection() const
{
    QList<qint64> ids;
    if (DatasetPanel* panel = m_controller ? m_controller->datasetPanel() : nullptr)
        ids = panel->selectedAssetIds();
    if (ids.isEmpty() && m_controller && m_controller->currentAsset() > 0)
        ids << m_controller->currentAsset();
    return ids;
}

void PrelabelBinding::prelabelSelection()
{
    const QList<qint64> ids = selection();
    if (!project() || ids.isEmpty()) {
        emit message(tr("Select images in the Dataset dock first."));
        return;
    }
    PrelabelDialog dialog(project(), int(ids.size()), m_window);
    if (dialog.exec() != QDialog::Accepted) return;
    annotation::PrelabelRequest request = dialog.request();
    request.assetIds = ids;
    startPrelabel(request);
}

core::JobHandle* PrelabelBinding::startPrelabel(annotation::PrelabelRequest request)
{
    core::Project* p = project();
    if (request.assetIds.isEmpty()) request.assetIds = selection();
    if (!p || !m_controller || request.assetIds.isEmpty()) {
        emit message(tr("Select images in the Dataset dock first."));
        return nullptr;
    }
    QPointer<PrelabelBinding> self(this);
    return annotation::startPrelabelJob(
        *m_controller->jobTracker(), p->path(), request, [self](const annotation::PrelabelReport& report) {
            if (!self) return;
            // The worker wrote on its own connection: the document saw no change, so everything that
            // shows shapes or tags (the editor, the browser, the Review dock) reads them again.
            annotation::ProjectAnnotations* pa =
                self->m_annotation ? self->m_annotation->projectAnnotations() : nullptr;
            if (pa) pa->document()->notifyReloaded();
            if (self->m_controller && self->m_controller->datasetModel())
                self->m_controller->datasetModel()->refresh();
            if (!report.error.isEmpty())
                emit self->message(report.error);
            else
                emit self->message(annotation::prelabelSummary(report));
            emit self->prelabelFinished(report);
        });
}

} // namespace loupe::views
