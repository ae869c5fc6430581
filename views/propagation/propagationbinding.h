// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/propagation/propagationjob.h"

#include <QObject>
#include <QPointer>

class QAction;
class QMainWindow;

namespace loupe::core {
class JobHandle;
class Project;
} // namespace loupe::core

namespace loupe::views {

class AnnotationBinding;
class ProjectController;

// Annotate > Propagate to Next Frames… and Annotate > Interpolate Boxes Between Keyframes: each runs as
// a job in the Jobs dock (progress, cancel) on a worker thread with its own connection, so the canvas
// stays live, and what it made lands as one undo step when it ends. Kept apart from MainWindow so the
// window stays a list of parts.
class PropagationBinding : public QObject
{
    Q_OBJECT
public:
    PropagationBinding(QMainWindow* window, ProjectController* controller, AnnotationBinding* annotation);

    // Adds the two actions to the Annotate menu; call once AnnotationBinding installed it.
    void install();
    QAction* propagateAction() const { return m_propagate; }
    QAction* interpolateAction() const { return m_interpolate; }

    // Asks for frames and tracker, then starts.
    void propagateDialog();
    // The shown image's selected shapes (all its shapes when none is selected) to the next `frames`
    // frames; nullptr with message() when there is no project or image.
    core::JobHandle* startPropagation(int frames, annotation::BoxTrackerKind tracker);
    // Fills boxes between keyframes across the shown image's whole sequence.
    core::JobHandle* startInterpolation();

signals:
    void message(const QString& text);
    void finished(const loupe::annotation::PropagationJobReport& report);

private:
    core::Project* project() const;
    core::JobHandle* start(annotation::PropagationJobRequest request);
    std::vector<annotation::Shape> selectedShapes() const;
    void updateEnabled();

    QMainWindow* m_window;
    QPointer<ProjectController> m_controller;
    QPointer<AnnotationBinding> m_annotation;
    QAction* m_propagate = nullptr;
    QAction* m_interpolate = nullptr;
};

} // namespace loupe::views
