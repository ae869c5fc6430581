// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/assist/prelabelrequest.h"

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

// Annotate > Pre-label Selection…: asks for the model, labeller and threshold, then pre-labels the
// browser's selection (the shown image when nothing else is selected) as a job in the Jobs dock
// (progress, cancel; running again skips what is done). When it ends the editor, the browser and the
// Review dock read the project again, so the proposals appear (dashed, state New) without reopening.
class PrelabelBinding : public QObject
{
    Q_OBJECT
public:
    PrelabelBinding(QMainWindow* window, ProjectController* controller, AnnotationBinding* annotation);

    // Adds the action to the Annotate menu; call once the menus exist.
    void install();
    QAction* prelabelAction() const { return m_action; }

    // Asks for the settings and starts the job over the selection.
    void prelabelSelection();
    // Starts `request` over its images (the selection when it names none); nullptr with message() when
    // there is no project or image.
    core::JobHandle* startPrelabel(annotation::PrelabelRequest request);
    QList<qint64> selection() const;

signals:
    void message(const QString& text);
    void prelabelFinished(const loupe::annotation::PrelabelReport& report);

private:
    core::Project* project() const;
    void projectChanged();

    QMainWindow* m_window;
    QPointer<ProjectController> m_controller;
    QPointer<AnnotationBinding> m_annotation;
    QAction* m_action = nullptr;
};

} // namespace loupe::views
