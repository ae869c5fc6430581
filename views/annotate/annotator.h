// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/document/annotationdocument.h"
#include "annotation/shapes/shape.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <functional>

class QAction;
class QActionGroup;
class QMenu;
class QToolBar;
class QWidget;

namespace loupe::views {

class AnnotateTool;
class ImageCanvas;
class LabelPalette;
class SelectTool;
class ShapeLayer;
class ShapeScene;

// Everything the window needs to annotate on the canvas: the scene and its layer, one instance of each
// tool, the Annotate menu and toolbar (tool shortcuts V R O P L . K B E S), the shape edits (copy,
// paste, delete, raise/lower), verdicts (Y accept, X reject, F needs fix) and the label palette with
// hotkeys 1-9. The window adds
// the menu, toolbar, palette and actions, and feeds it the document and the image shown.
class Annotator : public QObject
{
    Q_OBJECT
public:
    // The actions are added to `window` so their shortcuts work wherever the focus is in it.
    Annotator(ImageCanvas* canvas, QWidget* window);
    ~Annotator() override;

    ShapeScene* scene() const { return m_scene; }
    ShapeLayer* layer() const { return m_layer; }
    ImageCanvas* canvas() const { return m_canvas; }
    QMenu* menu() const { return m_menu; }
    QToolBar* toolBar() const { return m_toolBar; }
    LabelPalette* palette() const { return m_palette; }
    SelectTool* selectTool() const { return m_select; }
    // The tool whose action has this object name ("toolSelect", "toolRectangle", ...).
    AnnotateTool* tool(const QString& name) const;
    QAction* action(const QString& objectName) const;

    // doc may be nullptr (no project): the tools are then off and the canvas pans.
    void setDocument(annotation::AnnotationDocument* doc, std::vector<annotation::LabelDef> labels,
                     const QHash<qint64, QString>& hotkeys = {});
    annotation::AnnotationDocument* document() const;
    // Takes the labels (and their hotkeys) from the document again; done on every labelsChanged.
    void reloadLabels();
    // Whether a window-wide action (a tool, a verdict, ...) already answers key: a label may not take it.
    bool isKeyTaken(const QKeySequence& key) const;
    void setImage(qint64 imageId, QSize size);
    void activateTool(const QString& name);
    // Y / X / F: the handler gets the verdict first (the Review dock gives it to its current shape and
    // moves on) and returns false to leave it to the selected shapes.
    void setVerdictHandler(std::function<bool(annotation::ReviewState)> handler)
    {
        m_verdictHandler = std::move(handler);
    }

signals:
    void message(const QString& text);

private:
    void createTools();
    void createActions(QWidget* window);
    void updateEnabled();
    void verdict(annotation::ReviewState state);
    void updateLabelKeyActions();
    QAction* addAction(QWidget* window, const QString& name, const QString& text, const QKeySequence& key,
                       std::function<void()> slot);

    QPointer<ImageCanvas> m_canvas;
    QPointer<annotation::AnnotationDocument> m_document;
    QPointer<QWidget> m_window;
    ShapeScene* m_scene = nullptr;
    ShapeLayer* m_layer = nullptr;
    LabelPalette* m_palette = nullptr;
    QMenu* m_menu = nullptr;
    QToolBar* m_toolBar = nullptr;
    QActionGroup* m_toolGroup = nullptr;
    SelectTool* m_select = nullptr;
    QHash<QString, AnnotateTool*> m_tools; // by action object name
    QHash<QString, QAction*> m_actions;
    QString m_lastTool = QStringLiteral("toolSelect");
    std::function<bool(annotation::ReviewState)> m_verdictHandler;
};

} // namespace loupe::views
