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

namespace loupe::annotation {

bool AnnotationStore::applyEdit(StoreEdit& edit, QString* error)
{
    if (!edit.labels.empty() || !edit.tags.empty()) {
        if (error) *error = QStringLiteral("this annotation store keeps no labels or tags");
        return false;
    }
    return apply(edit.shapes, error);
}

std::vector<LabelDef> MemoryAnnotationStore::labels() const
{
    std::vector<LabelDef> out;
    for (const auto& [id, l] : m_labels)
        out.push_back(l);
    return out;
}

QStringList MemoryAnnotationStore::tags(qint64 imageId) const
{
    const auto it = m_tags.find(imageId);
    return it == m_tags.end() ? QStringList() : it->second;
}

std::vector<Shape> MemoryAnnotationStore::shapesWithLabel(qint64 labelId) const
{
    std::vector<Shape> out;
    for (const auto& [id, s] : m_shapes)
        if (s.labelId == labelId) out.push_back(s);
    return out;
}

bool MemoryAnnotationStore::applyEdit(StoreEdit& edit, QString* error)
{
    // Labels and tags are checked before anything is written, so a refusal leaves the store untouched.
    std::map<qint64, LabelDef> labels = m_labels;
    qint64 nextLabel = m_nextLabelId;
    std::vector<qint64> assigned(edit.labels.size(), 0);
    auto nameTaken = [&](const LabelDef& l) {
        for (const auto& [id, other] : labels)
            if (id != l.id && other.name == l.name) return true;
        return false;
    };
    auto refuse = [&](const QString& message) {
        if (error) *error = message;
        return false;
    };
    for (size_t i = 0; i < edit.labels.size(); ++i) {
        const LabelChange& c = edit.labels[i];
        if (c.op == LabelChange::Op::Remove) continue;
        if (c.label.name.trimmed().isEmpty()) return refuse(QStringLiteral("a label needs a name"));
        if (c.op == LabelChange::Op::Insert) {
            const qint64 id = c.label.id ? c.label.id : nextLabel;
            if (labels.count(id)) return refuse(QStringLiteral("label %1 already exists").arg(id));
            LabelDef l = c.label;
            l.id = id;
            if (nameTaken(l)) return refuse(QStringLiteral("a label named \"%1\" exists").arg(l.name));
            labels[id] = l;
            nextLabel = std::max(nextLabel, id + 1);
            assigned[i] = id;
        } else {
            if (!labels.count(c.label.id))
                return refuse(QStringLiteral("label %1 does not exist").arg(c.label.id));
            if (nameTaken(c.label))
                return refuse(QStringLiteral("a label named \"%1\" exists").arg(c.label.name));
            labels[c.label.id] = c.label;
        }
    }
    for (const LabelChange& c : edit.labels)
        if (c.op == LabelChange::Op::Remove && !labels.erase(c.label.id))
            return refuse(QStringLiteral("label %1 does not exist").arg(c.label.id));
    if (!apply(edit.shapes, error)) return false;
    m_labels = std::move(labels);
    m_nextLabelId = nextLabel;
    for (size_t i = 0; i < edit.labels.size(); ++i)
        if (edit.labels[i].op == LabelChange::Op::Insert) edit.labels[i].label.id = assigned[i];
    for (const TagChange& t : edit.tags) {
        if (t.tags.isEmpty())
            m_tags.erase(t.imageId);
        else
            m_tags[t.imageId] = t.tags;
    }
    return true;
}

} // namespace loupe::annotation
