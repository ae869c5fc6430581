// SPDX-License-Identifier: MIT
#include "views/propagation/propagationbinding.h"

#include "annotation/bridge/projectannotations.h"
#include "core/jobs/jobtracker.h"
#include "views/annotate/annotator.h"
#include "views/annotate/samtool.h"
#include "views/annotate/shapescene.h"
#include "views/canvas/imagecanvas.h"
#include "views/mainwindow/annotationbinding.h"
#include "views/mainwindow/projectcontroller.h"
#include "views/mainwindow/storebackend.h"
#include "views/propagation/propagatedialog.h"

#include <QAction>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>

namespace loupe::views {

PropagationBinding::PropagationBinding(QMainWindow* window, ProjectController* controller,
                                       AnnotationBinding* annotation)
    : QObject(window), m_window(window), m_controller(controller), m_annotation(annotation)
{
    connect(controller, &ProjectController::projectChanged, this, &PropagationBinding::updateEnabled);
    connect(controller, &ProjectController::currentAssetChanged, this, &PropagationBinding::updateEnabled);
}

void PropagationBinding::install()
{
    QMenu* menu = m_annotation && m_annotation->annotator() ? m_annotation->annotator()->menu() : nullptr;
    if (!menu) menu = m_window->menuBar()->addMenu(tr("&Annotate"));
    menu->addSeparator();
    m_propagate =
        menu->addAction(tr("&Propagate to Next Frames…"), this, &PropagationBinding::propagateDialog);
    m_propagate->setObjectName(QStringLiteral("propagateFrames"));
    m_propagate->setStatusTip(
        tr("Carry the selected shapes (or all shapes) of this frame to the next frames"));
    m_interpolate =
        menu->addAction(tr("&Interpolate Boxes Between Keyframes"), this, [this] { startInterpolation(); });
    m_interpolate->setObjectName(QStringLiteral("interpolateKeyframes"));
    m_interpolate->setStatusTip(tr("Fill the frames between boxes of one track with interpolated boxes"));
    updateEnabled();
}

core::Project* PropagationBinding::project() const
{
    auto* store = m_controller ? qobject_cast<StoreBackend*>(m_controller->backend()) : nullptr;
    return store ? store->project() : nullptr;
}

void PropagationBinding::updateEnabled()
{
    const bool on = project() && m_controller && m_controller->currentAsset() > 0;
    for (QAction* a : {m_propagate, m_interpolate})
        if (a) a->setEnabled(on);
}

std::vector<annotation::Shape> PropagationBinding::selectedShapes() const
{
    std::vector<annotation::Shape> out;
    annotation::ProjectAnnotations* pa = m_annotation ? m_annotation->projectAnnotations() : nullptr;
    if (!pa || !m_annotation->annotator()) return out;
    for (qint64 id : m_annotation->annotator()->scene()->selection())
        if (const auto s = pa->document()->shape(id); s && s->imageId == m_controller->currentAsset())
            out.push_back(*s);
    return out;
}

void PropagationBinding::propagateDialog()
{
    core::Project* p = project();
    annotation::ProjectAnnotations* pa = m_annotation ? m_annotation->projectAnnotations() : nullptr;
    if (!p || !pa || !m_controller || m_controller->currentAsset() <= 0) {
        emit message(tr("Open a project and show a frame first."));
        return;
    }
    const std::vector<annotation::Shape> selected = selectedShapes();
    const int all = int(pa->document()->shapes(m_controller->currentAsset()).size());
    if (selected.empty() && all == 0) {
        emit message(tr("This image has no shapes to propagate."));
        return;
    }
    const QString what = selected.empty() ? tr("all %n shape(s) of this image", nullptr, all)
                                          : tr("the %n selected shape(s)", nullptr, int(selected.size()));
    PropagateDialog dialog(what, SamTool::samModelFolder(*p), m_window);
    if (dialog.exec() != QDialog::Accepted) return;
    startPropagation(dialog.frames(), dialog.tracker());
}

core::JobHandle* PropagationBinding::startPropagation(int frames, annotation::BoxTrackerKind tracker)
{
    annotation::PropagationJobRequest r;
    r.mode = annotation::PropagationJobRequest::Mode::Track;
    r.frames = frames;
    r.tracker = tracker;
    r.shapes = selectedShapes();
    if (core::Project* p = project()) r.samFolder = SamTool::samModelFolder(*p);
    return start(std::move(r));
}

core::JobHandle* PropagationBinding::startInterpolation()
{
    annotation::PropagationJobRequest r;
    r.mode = annotation::PropagationJobRequest::Mode::Interpolate;
    return start(std::move(r));
}

core::JobHandle* PropagationBinding::start(annotation::PropagationJobRequest request)
{
    core::Project* p = project();
    annotation::ProjectAnnotations* pa = m_annotation ? m_annotation->projectAnnotations() : nullptr;
    if (!p || !pa || !m_controller || m_controller->currentAsset() <= 0) {
        emit message(tr("Open a project and show a frame first."));
        return nullptr;
    }
    request.projectPath = p->path();
    request.from = m_controller->currentAsset();
    QPointer<PropagationBinding> self(this);
    return annotation::startPropagationJob(*m_controller->jobTracker(), *pa->document(), request,
                                           [self](const annotation::PropagationJobReport& report) {
                                               if (!self) return;
                                               emit self->message(annotation::summaryOf(report));
                                               emit self->finished(report);
                                           });
}

} // namespace loupe::views
