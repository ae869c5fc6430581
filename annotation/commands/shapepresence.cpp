// SPDX-License-Identifier: MIT
#include "annotation/commands/shapepresence.h"

namespace loupe::annotation {

ShapePresence::ShapePresence(AnnotationDocument& doc, std::vector<Shape> shapes, bool present,
                             const QString& text)
    : DocumentCommand(text), m_doc(doc), m_shapes(std::move(shapes)), m_present(present),
      m_addsOnRedo(!present)
{
}

EditRecord ShapePresence::record() const
{
    EditRecord r;
    r.text = text();
    for (const Shape& s : m_shapes)
        r.diffs.push_back(m_addsOnRedo ? ShapeDiff{std::nullopt, s} : ShapeDiff{s, std::nullopt});
    return r;
}

void ShapePresence::redo()
{
    const bool ok = swap();
    if (!ok && !m_done) setObsolete(true);
    m_done = m_done || ok;
}

bool ShapePresence::swap()
{
    std::vector<ShapeChange> changes;
    changes.reserve(m_shapes.size());
    for (const Shape& s : m_shapes)
        changes.push_back({m_present ? ShapeChange::Op::Remove : ShapeChange::Op::Insert, s});
    if (!m_doc.apply(changes, ChangeEvent::All)) return false;
    for (size_t i = 0; i < m_shapes.size(); ++i)
        m_shapes[i].id = changes[i].shape.id; // ids assigned on first insert
    m_present = !m_present;
    return true;
}

} // namespace loupe::annotation
