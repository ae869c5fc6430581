// SPDX-License-Identifier: MIT
#include "annotation/document/annotationstore.h"

namespace loupe::annotation {

std::vector<Shape> MemoryAnnotationStore::shapesOf(qint64 imageId) const
{
    std::vector<Shape> out;
    for (const auto& [id, s] : m_shapes)
        if (s.imageId == imageId) out.push_back(s);
    return out;
}

std::optional<Shape> MemoryAnnotationStore::shape(qint64 id) const
{
    const auto it = m_shapes.find(id);
    if (it == m_shapes.end()) return std::nullopt;
    return it->second;
}

bool MemoryAnnotationStore::apply(std::vector<ShapeChange>& changes, QString* error)
{
    // Applied in place with an undo log and rolled back on failure: all or nothing like a SQLite
    // transaction, without copying the whole store per edit.
    std::vector<std::pair<qint64, std::optional<Shape>>> log;
    const qint64 nextIdBefore = m_nextId;
    auto rollback = [&] {
        for (auto it = log.rbegin(); it != log.rend(); ++it) {
            if (it->second)
                m_shapes[it->first] = *it->second;
            else
                m_shapes.erase(it->first);
        }
        m_nextId = nextIdBefore;
    };
    auto fail = [&](const QString& message) {
        rollback();
        if (error) *error = message;
        return false;
    };
    std::vector<qint64> assigned(changes.size(), 0);
    for (size_t i = 0; i < changes.size(); ++i) {
        const ShapeChange& c = changes[i];
        switch (c.op) {
        case ShapeChange::Op::Insert: {
            const qint64 id = c.shape.id != 0 ? c.shape.id : m_nextId;
            if (m_shapes.count(id)) return fail(QStringLiteral("shape %1 already exists").arg(id));
            m_nextId = std::max(m_nextId, id + 1);
            log.emplace_back(id, std::nullopt);
            Shape s = c.shape;
            s.id = id;
            m_shapes.emplace(id, std::move(s));
            assigned[i] = id;
            break;
        }
        case ShapeChange::Op::Update:
        case ShapeChange::Op::Remove: {
            const auto it = m_shapes.find(c.shape.id);
            if (it == m_shapes.end()) return fail(QStringLiteral("shape %1 does not exist").arg(c.shape.id));
            log.emplace_back(c.shape.id, it->second);
            if (c.op == ShapeChange::Op::Update)
                it->second = c.shape;
            else
                m_shapes.erase(it);
            break;
        }
        }
    }
    if (m_failNext) {
        m_failNext = false;
        return fail(QStringLiteral("simulated store failure"));
    }
    ++m_transactions;
    for (size_t i = 0; i < changes.size(); ++i)
        if (changes[i].op == ShapeChange::Op::Insert) changes[i].shape.id = assigned[i];
    return true;
}

} // namespace loupe::annotation
