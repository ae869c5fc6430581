// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/shapes/shape.h"

#include <QStringList>
#include <map>
#include <optional>
#include <vector>

namespace loupe::annotation {

struct ShapeChange
{
    enum class Op { Insert, Update, Remove };
    Op op = Op::Update;
    Shape shape; // Insert: the new shape (id 0 asks the store for a new id); Update: the new version; Remove:
                 // the shape
};

// A label added, changed or removed with its definition (attribute specs, keypoints, hotkey). Insert
// with id 0 asks the store for a new id; with an id it restores a removed label under that id.
struct LabelChange
{
    enum class Op { Insert, Update, Remove };
    Op op = Op::Update;
    LabelDef label;
};

// The whole list of an image's tags after the change.
struct TagChange
{
    qint64 imageId = 0;
    QStringList tags;
};

// Everything one undo step writes, applied as one transaction: label inserts and updates first, then
// shapes, then label removals, so shapes never point at a label that is not there.
struct StoreEdit
{
    std::vector<ShapeChange> shapes;
    std::vector<LabelChange> labels;
    std::vector<TagChange> tags;
    bool empty() const { return shapes.empty() && labels.empty() && tags.empty(); }
};

// Where a document's shapes live. The project store implements it over SQLite, one transaction per
// apply(); MemoryAnnotationStore serves tests and tools. Keeping the document on this interface means
// undo commands never know which store they write to.
class AnnotationStore
{
public:
    virtual ~AnnotationStore() = default;
    virtual std::vector<Shape> shapesOf(qint64 imageId) const = 0;
    virtual std::optional<Shape> shape(qint64 id) const = 0;
    // Applies every change or none. Inserts with id 0 get a fresh id, written back into changes;
    // inserts with an id restore a removed shape under its old id (undo of a removal).
    virtual bool apply(std::vector<ShapeChange>& changes, QString* error) = 0;

    // Labels with their definitions, and image tags. A store without them refuses label and tag edits.
    virtual std::vector<LabelDef> labels() const { return {}; }
    virtual QStringList tags(qint64 imageId) const
    {
        Q_UNUSED(imageId);
        return {};
    }
    // Every shape of the project with this label (merging or deleting a label touches them all).
    virtual std::vector<Shape> shapesWithLabel(qint64 labelId) const
    {
        Q_UNUSED(labelId);
        return {};
    }
    // All or nothing, like apply(); ids assigned to inserted shapes and labels are written back.
    virtual bool applyEdit(StoreEdit& edit, QString* error);
};

class MemoryAnnotationStore : public AnnotationStore
{
public:
    std::vector<Shape> shapesOf(qint64 imageId) const override;
    std::optional<Shape> shape(qint64 id) const override;
    bool apply(std::vector<ShapeChange>& changes, QString* error) override;
    std::vector<LabelDef> labels() const override;
    QStringList tags(qint64 imageId) const override;
    std::vector<Shape> shapesWithLabel(qint64 labelId) const override;
    bool applyEdit(StoreEdit& edit, QString* error) override;

    qsizetype size() const { return qsizetype(m_shapes.size()); }
    int transactions() const { return m_transactions; }
    // Makes the next apply() fail (after doing part of its work, which must then be rolled back).
    void failNextApply() { m_failNext = true; }

private:
    std::map<qint64, Shape> m_shapes;
    std::map<qint64, LabelDef> m_labels;
    std::map<qint64, QStringList> m_tags;
    qint64 m_nextId = 1;
    qint64 m_nextLabelId = 1;
    int m_transactions = 0;
    bool m_failNext = false;
};

} // namespace loupe::annotation
