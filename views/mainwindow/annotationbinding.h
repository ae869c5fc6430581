// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QPointer>
#include <memory>

class QDockWidget;
class QMainWindow;
class QMenu;
class QToolBar;
class QWidget;

namespace loupe::annotation {
class ProjectAnnotations;
} // namespace loupe::annotation

namespace loupe::views {

class Annotator;
class ImageCanvas;
class LabelEditor;
class PropertiesDock;
class ProjectController;
class ReviewDock;

// Connects annotation editing to the window and the open project: the project's annotations
// (ProjectAnnotations: SQLite store, one undo stack) are opened with the project and handed to the
// Annotator, Edit > Undo/Redo follow that stack, the image shown on the canvas is the one edited, and
// the Labels, Properties and Review docks, the label editor, the Annotate menu and toolbar are added
// to the window. Kept apart from MainWindow so the window stays a list of parts.
class AnnotationBinding : public QObject
{
    Q_OBJECT
public:
    AnnotationBinding(QMainWindow* window, ImageCanvas* canvas, ProjectController* controller);
    ~AnnotationBinding() override;

    // Adds the Annotate menu (before Help), the toolbar and the Labels dock; call once menus exist.
    void install();

    Annotator* annotator() const { return m_annotator; }
    QDockWidget* labelsDock() const { return m_labelsDock; }
    ReviewDock* reviewDock() const;
    PropertiesDock* propertiesDock() const { return m_propertiesDock; }
    LabelEditor* labelEditor() const;
    // Opens the label editor on the open project (Annotate > Edit Labels…, the Labels dock's button).
    void editLabels();
    annotation::ProjectAnnotations* projectAnnotations() const { return m_annotations.get(); }

    // Selects the next image after the current one with no shapes (in the browser's order).
    void nextUnlabeled();

signals:
    void message(const QString& text);

private:
    void openProject();
    void closeProject();
    void showCurrentImage();
    void prefetchSamEmbeddings(qint64 asset);
    // The Annotate menu's Tighten Box, the SAM options toolbar, prefetching once the model is loaded.
    void installSamTool(QMenu* menu);
    QMenu* panelsMenu() const;

    QMainWindow* m_window;
    QPointer<ImageCanvas> m_canvas;
    QPointer<ProjectController> m_controller;
    Annotator* m_annotator = nullptr;
    QDockWidget* m_labelsDock = nullptr;
    QToolBar* m_samOptions = nullptr;
    QPointer<ReviewDock> m_reviewDock;
    PropertiesDock* m_propertiesDock = nullptr;
    QPointer<LabelEditor> m_labelEditor;
    std::unique_ptr<annotation::ProjectAnnotations> m_annotations;
    std::pair<qint64, qint64> m_reviewPick{0, 0}; // asset, shape the Review dock points at
};

} // namespace loupe::views
