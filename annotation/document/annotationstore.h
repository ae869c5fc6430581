// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/shapes/shape.h"

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
};

class MemoryAnnotationStore : public AnnotationStore
{
public:
    std::vector<Shape> shapesOf(qint64 imageId) const override;
    std::optional<Shape> shape(qint64 id) const override;
    bool apply(std::vector<ShapeChange>& changes, QString* error) override;

    qsizetype size() const { return qsizetype(m_shapes.size()); }
    int transactions() const { return m_transactions; }
    // Makes the next apply() fail (after doing part of its work, which must then be rolled back).
    void failNextApply() { m_failNext = true; }

private:
    std::map<qint64, Shape> m_shapes;
    qint64 m_nextId = 1;
    int m_transactions = 0;
    bool m_failNext = false;
};

} // namespace loupe::annotation
