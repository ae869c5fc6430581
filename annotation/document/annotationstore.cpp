// SPDX-License-Identifier: MIT
#include "annotation/document/annotationstore.h"

namespace loupe::annotation {

std::vector<Shape> MemoryAnnotationStore::shapesOf(qint64 imageId) const
{
    std::vector<Shape> out;
    for (const auto& [id, s] : m_shapes)
        if (s.imageId == imageId)
            out.push_back(s);
    return out;
}

std::optional<Shape> MemoryAnnotationStore::shape(qint64 id) const
{
    const auto it = m_shapes.find(id);
    if (it == m_shapes.end())
        return std::nullopt;
    return it->second;
}

bool MemoryAnnotationStore::apply(std::vector<ShapeChange>& changes, QString* error)
{
    // Work on a copy and swap it in at the end: all or nothing, like a SQLite transaction.
    auto next = m_shapes;
    qint64 nextId = m_nextId;
    std::vector<qint64> assigned(changes.size(), 0);
    for (size_t i = 0; i < changes.size(); ++i) {
        const ShapeChange& c = changes[i];
        switch (c.op) {
        case ShapeChange::Op::Insert: {
            qint64 id = c.shape.id;
            if (id == 0)
                id = nextId++;
            if (next.count(id)) {
                if (error)
                    *error = QStringLiteral("shape %1 already exists").arg(id);
                return false;
            }
            nextId = std::max(nextId, id + 1);
            Shape s = c.shape;
            s.id = id;
            next[id] = s;
            assigned[i] = id;
            break;
        }
        case ShapeChange::Op::Update:
        case ShapeChange::Op::Remove:
            if (!next.count(c.shape.id)) {
                if (error)
                    *error = QStringLiteral("shape %1 does not exist").arg(c.shape.id);
                return false;
            }
            if (c.op == ShapeChange::Op::Update)
                next[c.shape.id] = c.shape;
            else
                next.erase(c.shape.id);
            break;
        }
    }
    if (m_failNext) {
        m_failNext = false;
        if (error)
            *error = QStringLiteral("simulated store failure");
        return false;
    }
    m_shapes.swap(next);
    m_nextId = nextId;
    ++m_transactions;
    for (size_t i = 0; i < changes.size(); ++i)
        if (changes[i].op == ShapeChange::Op::Insert)
            changes[i].shape.id = assigned[i];
    return true;
}

} // namespace loupe::annotation
