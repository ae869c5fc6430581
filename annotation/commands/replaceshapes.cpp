// SPDX-License-Identifier: MIT
#include "annotation/commands/replaceshapes.h"

namespace loupe::annotation {

ReplaceShapes::ReplaceShapes(AnnotationDocument& doc, std::vector<Shape> newVersions, int properties,
                             const QString& text)
    : DocumentCommand(text), m_doc(doc), m_held(std::move(newVersions)), m_properties(properties)
{
    const QDateTime now = doc.now();
    for (Shape& s : m_held)
        s.updated = now;
}

std::vector<Shape> ReplaceShapes::current(const AnnotationDocument& doc, const QList<qint64>& ids)
{
    std::vector<Shape> out;
    for (qint64 id : ids)
        if (auto s = doc.shape(id)) out.push_back(*s);
    return out;
}

QList<qint64> ReplaceShapes::shapeIds() const
{
    QList<qint64> ids;
    for (const Shape& s : m_held)
        ids << s.id;
    return ids;
}

void ReplaceShapes::redo()
{
    const bool ok = swap();
    // A command whose first redo failed never happened: QUndoStack drops obsolete commands on push.
    if (!ok && !m_done) setObsolete(true);
    m_done = m_done || ok;
}

bool ReplaceShapes::swap()
{
    std::vector<Shape> before = current(m_doc, shapeIds());
    if (before.size() != m_held.size())
        return false; // a shape vanished underneath us; leave everything as it is
    std::vector<ShapeChange> changes;
    changes.reserve(m_held.size());
    for (const Shape& s : m_held)
        changes.push_back({ShapeChange::Op::Update, s});
    if (!m_doc.apply(changes, m_properties)) return false;
    m_written = std::move(m_held);
    m_held = std::move(before);
    m_applied = !m_applied;
    return true;
}

bool ReplaceShapes::mergeWith(const QUndoCommand* other)
{
    const auto* later = static_cast<const ReplaceShapes*>(other);
    if (!canMerge(*later)) return false;
    // The document shows the later command's result; our held (original) versions stay.
    m_written = later->m_written;
    return true;
}

EditRecord ReplaceShapes::record() const
{
    EditRecord r;
    r.text = text();
    const std::vector<Shape>& before = m_applied ? m_held : m_written;
    const std::vector<Shape>& after = m_applied ? m_written : m_held;
    for (size_t i = 0; i < before.size() && i < after.size(); ++i)
        r.diffs.push_back({before[i], after[i]});
    return r;
}

} // namespace loupe::annotation
