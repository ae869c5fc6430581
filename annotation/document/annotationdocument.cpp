// SPDX-License-Identifier: MIT
#include "annotation/document/annotationdocument.h"

#include <QLoggingCategory>

namespace loupe::annotation {

Q_LOGGING_CATEGORY(lcDocument, "loupe.annotation.document")

AnnotationDocument::AnnotationDocument(AnnotationStore& store, QObject* parent)
    : QObject(parent), m_store(store)
{
    qRegisterMetaType<ChangeEvent>();
}

std::optional<LabelDef> AnnotationDocument::label(qint64 id) const
{
    for (LabelDef& l : m_store.labels())
        if (l.id == id) return std::move(l);
    return std::nullopt;
}

bool AnnotationDocument::apply(std::vector<ShapeChange>& changes, int properties)
{
    StoreEdit edit;
    edit.shapes = std::move(changes);
    const bool ok = applyEdit(edit, properties);
    changes = std::move(edit.shapes);
    return ok;
}

bool AnnotationDocument::applyEdit(StoreEdit& edit, int properties)
{
    if (edit.empty()) return true;
    const std::vector<ShapeChange>& changes = edit.shapes;
    QString error;
    if (!m_store.applyEdit(edit, &error)) {
        qCWarning(lcDocument) << "store refused an edit:" << error;
        emit storeFailed(error);
        return false;
    }
    // One event per kind of change, in the order a view can replay them.
    for (auto op : {ShapeChange::Op::Remove, ShapeChange::Op::Insert, ShapeChange::Op::Update}) {
        ChangeEvent e;
        e.type = op == ShapeChange::Op::Insert   ? ChangeEvent::Type::ShapesAdded
                 : op == ShapeChange::Op::Remove ? ChangeEvent::Type::ShapesRemoved
                                                 : ChangeEvent::Type::ShapesChanged;
        e.properties = op == ShapeChange::Op::Update ? properties : int(ChangeEvent::All);
        for (const ShapeChange& c : changes) {
            if (c.op != op) continue;
            e.shapeIds << c.shape.id;
            if (!e.imageIds.contains(c.shape.imageId)) e.imageIds << c.shape.imageId;
        }
        if (!e.shapeIds.isEmpty()) emit changed(e);
    }
    if (!edit.labels.empty()) emit labelsChanged();
    for (const TagChange& t : edit.tags)
        emit tagsChanged(t.imageId);
    return true;
}

} // namespace loupe::annotation
