// SPDX-License-Identifier: MIT
#pragma once

#include "core/jobs/batchinference.h"

#include <QObject>
#include <QPointer>

class QAction;
class QDockWidget;
class QMainWindow;
class QMenu;

namespace loupe::core {
class JobHandle;
class Project;
} // namespace loupe::core

namespace loupe::views {

class AnnotationBinding;
class CaptionEditor;
class ImageCanvas;
class MatchPanel;
class ProjectController;

// Captions, tags and CLIP matching in the window: the Captions dock (the shown image's captions and tags),
// the Match dock, and "Caption Selection…" / "Match Selection…" in the Annotate menu and the browser's
// context menu, which run over the selected images as a job in the Jobs dock (progress, cancel; running
// again skips what is done) and refresh the browser and the editor when it ends. Kept apart from
// MainWindow so the window stays a list of parts.
class CaptionsBinding : public QObject
{
    Q_OBJECT
public:
    CaptionsBinding(QMainWindow* window, ImageCanvas* canvas, ProjectController* controller,
                    AnnotationBinding* annotation);

    // Adds the docks, the batch actions and the Panels entries; call once the menus exist.
    void install();

    CaptionEditor* captionEditor() const { return m_editor; }
    MatchPanel* matchPanel() const { return m_match; }
    QDockWidget* captionsDock() const { return m_captionsDock; }
    QDockWidget* matchDock() const { return m_matchDock; }
    QAction* captionSelectionAction() const { return m_captionAction; }
    QAction* matchSelectionAction() const { return m_matchAction; }

    // Asks for the model and settings, then starts the batch over the browser's selection (the shown
    // image when nothing else is selected).
    void captionSelection();
    void matchSelection();
    // Starts `request` over its images (the selection when it names none); nullptr with message() when
    // there is no project or image.
    core::JobHandle* startBatch(core::BatchRequest request);
    QList<qint64> selection() const;

signals:
    void message(const QString& text);
    void batchFinished(const loupe::core::BatchReport& report);

private:
    void batchDialog(core::BatchRequest::Kind kind);
    core::Project* project() const;
    void projectChanged();

    QMainWindow* m_window;
    QPointer<ImageCanvas> m_canvas;
    QPointer<ProjectController> m_controller;
    QPointer<AnnotationBinding> m_annotation;
    CaptionEditor* m_editor = nullptr;
    MatchPanel* m_match = nullptr;
    QDockWidget* m_captionsDock = nullptr;
    QDockWidget* m_matchDock = nullptr;
    QAction* m_captionAction = nullptr;
    QAction* m_matchAction = nullptr;
};

} // namespace loupe::views
