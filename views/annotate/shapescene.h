// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/document/annotationdocument.h"
#include "annotation/geometry/shapeindex.h"

#include <QColor>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QSize>
#include <unordered_map>

namespace loupe::views {

class AnnotateTool;

// What the editor shows of one image: the shapes of the current image from an AnnotationDocument (kept
// in step with its change events, with a spatial index and the stacking order), the labels with their
// colours and hide/lock state, the selection and the hovered shape. The ShapeLayer draws it, the tools
// edit the document through it; it never owns shape data, only a cache of the document's.
class ShapeScene : public QObject
{
    Q_OBJECT
public:
    explicit ShapeScene(QObject* parent = nullptr);

    void setDocument(annotation::AnnotationDocument* doc);
    annotation::AnnotationDocument* document() const { return m_doc; }
    // The image being edited (0: none) and its size in pixels (masks are this size).
    void setImage(qint64 imageId, QSize size);
    qint64 imageId() const { return m_imageId; }
    QSize imageSize() const { return m_imageSize; }
    bool isEditable() const { return m_doc && m_imageId != 0 && !m_imageSize.isEmpty(); }

    // Labels.
    void setLabels(std::vector<annotation::LabelDef> labels);
    const std::vector<annotation::LabelDef>& labels() const { return m_labels; }
    const annotation::LabelDef* label(qint64 id) const;
    QColor colorOf(qint64 labelId) const;
    void setLabelHidden(qint64 labelId, bool hidden);
    void setLabelLocked(qint64 labelId, bool locked);
    bool isLabelHidden(qint64 labelId) const { return m_hidden.contains(labelId); }
    bool isLabelLocked(qint64 labelId) const { return m_locked.contains(labelId); }
    qint64 currentLabel() const { return m_currentLabel; }
    void setCurrentLabel(qint64 labelId);

    // Shapes of the current image.
    const annotation::Shape* shape(qint64 id) const;
    qsizetype shapeCount() const { return qsizetype(m_shapes.size()); }
    // Ids bottom to top.
    const std::vector<qint64>& order() const { return m_order; }
    // Visible shapes (label not hidden) whose bounds meet rect, bottom to top.
    std::vector<qint64> visibleIn(const QRectF& imageRect) const;
    // The topmost visible shape hit at p within tolerance (image pixels); editableOnly skips locked labels.
    qint64 hitTest(QPointF p, double tolerance, bool editableOnly = true) const;
    bool isShapeVisible(const annotation::Shape& s) const { return !isLabelHidden(s.labelId); }
    bool isShapeEditable(const annotation::Shape& s) const
    {
        return !isLabelHidden(s.labelId) && !isLabelLocked(s.labelId);
    }
    // Shapes near p, for snapping.
    std::vector<const annotation::Shape*> shapesNear(QPointF p, double radius) const;

    // Selection and hover.
    const QList<qint64>& selection() const { return m_selection; }
    bool isSelected(qint64 id) const { return m_selection.contains(id); }
    void setSelection(const QList<qint64>& ids);
    qint64 hovered() const { return m_hover; }
    void setHovered(qint64 id);
    // The selected shapes that may be edited (selected shapes of locked labels are left alone).
    QList<qint64> editableSelection() const;

    // The tool whose preview the layer draws over the shapes.
    void setActiveTool(AnnotateTool* tool);
    AnnotateTool* activeTool() const;

    // A fresh id for one mouse gesture, so its commands merge into one undo step.
    int nextGesture() { return ++m_gesture; }
    // Pushes a command onto the document's undo stack (owned by it from then on).
    void push(QUndoCommand* command);

    // Edits on the selection, each one undo step.
    bool addShapes(std::vector<annotation::Shape> shapes, bool select = true);
    void deleteSelection();
    void copySelection();
    void paste();
    void raiseSelection();
    void lowerSelection();
    void setSelectionReview(annotation::ReviewState state);
    void relabelSelection(qint64 labelId);

    // A sentence for the status bar (a tool's hint, or why it refused).
    void showMessage(const QString& text) { emit message(text); }

signals:
    // Something drawn changed inside imageRect (image coordinates; null: everything).
    void changed(const QRectF& imageRect);
    void selectionChanged();
    void labelsChanged();
    void currentLabelChanged(qint64 labelId);
    void imageReset();
    void message(const QString& text);
    void overlayChanged(const QRectF& imageRect);

private:
    void reload();
    void onDocumentChanged(const annotation::ChangeEvent& e);
    void reorder();
    QRectF boundsOf(qint64 id) const;

    QPointer<annotation::AnnotationDocument> m_doc;
    qint64 m_imageId = 0;
    QSize m_imageSize;
    std::vector<annotation::LabelDef> m_labels;
    QSet<qint64> m_hidden;
    QSet<qint64> m_locked;
    qint64 m_currentLabel = 0;
    std::unordered_map<qint64, annotation::Shape> m_shapes;
    std::unordered_map<qint64, int> m_rank; // position in m_order
    std::vector<qint64> m_order;
    annotation::ShapeIndex m_index;
    QList<qint64> m_selection;
    qint64 m_hover = 0;
    QPointer<AnnotateTool> m_tool;
    int m_gesture = 0;
    qint64 m_copiedFromImage = 0;
    int m_pasteCount = 0;
};

} // namespace loupe::views
