// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/document/annotationstore.h"
#include "annotation/document/changeevent.h"

#include <QDateTime>
#include <QObject>
#include <QUndoStack>
#include <functional>

namespace loupe::annotation {

// The annotations of one project as an editable document: it owns the undo stack, applies every
// change to the store in one transaction, and tells views what changed. Views never own shapes.
class AnnotationDocument : public QObject
{
    Q_OBJECT
public:
    explicit AnnotationDocument(AnnotationStore& store, QObject* parent = nullptr);

    QUndoStack* undoStack() { return &m_undo; }
    AnnotationStore& store() { return m_store; }
    std::vector<Shape> shapes(qint64 imageId) const { return m_store.shapesOf(imageId); }
    std::optional<Shape> shape(qint64 id) const { return m_store.shape(id); }
    std::vector<LabelDef> labels() const { return m_store.labels(); }
    std::optional<LabelDef> label(qint64 id) const;
    QStringList tags(qint64 imageId) const { return m_store.tags(imageId); }

    // Applies changes in one store transaction and emits changed(). Used by the undo commands; on failure
    // nothing changed, storeFailed() is emitted and false returned.
    bool apply(std::vector<ShapeChange>& changes, int properties);
    // The same for a step that also edits labels or image tags (labelsChanged / tagsChanged follow).
    bool applyEdit(StoreEdit& edit, int properties);

    // The time stamped on created/updated; replaceable so tests get fixed times.
    QDateTime now() const { return m_clock ? m_clock() : QDateTime::currentDateTimeUtc(); }
    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }

    // For steps that change shapes outside apply() (a project-level import and its undo).
    void notifyReloaded() { emit shapesReloaded(); }

signals:
    void changed(const loupe::annotation::ChangeEvent& event);
    void storeFailed(const QString& message);
    // Labels were added, removed or redefined (name, colour, hotkey, attribute specs, keypoints).
    void labelsChanged();
    void tagsChanged(qint64 imageId);
    // Shapes may have changed in ways no ChangeEvent describes (an import was undone): reload what you show.
    void shapesReloaded();

private:
    AnnotationStore& m_store;
    QUndoStack m_undo;
    std::function<QDateTime()> m_clock;
};

} // namespace loupe::annotation
