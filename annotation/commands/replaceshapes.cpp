// SPDX-License-Identifier: MIT
#include "annotation/commands/replaceshapes.h"

namespace loupe::annotation {

ReplaceShapes::ReplaceShapes(AnnotationDocument& doc, std::vector<Shape> newVersions, int properties,
                             const QString& text)
    : QUndoCommand(text), m_doc(doc), m_held(std::move(newVersions)), m_properties(properties)
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
    m_held = std::move(before);
    return true;
}

} // namespace loupe::annotation
