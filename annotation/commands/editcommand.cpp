// SPDX-License-Identifier: MIT
#include "annotation/commands/editcommand.h"

namespace loupe::annotation {

void EditCommand::changeLabel(qint64 id, const std::function<void(LabelDef&)>& change)
{
    const std::optional<LabelDef> before = m_doc.label(id);
    if (!before) return;
    LabelDef after = *before;
    change(after);
    if (after != *before) m_record.labelDiffs.push_back({before, after});
}

void EditCommand::run(bool forward)
{
    m_record.text = text();
    StoreEdit edit = storeEditOf(m_record, forward);
    const QDateTime now = m_doc.now();
    for (ShapeChange& c : edit.shapes)
        if (c.op == ShapeChange::Op::Update && forward && !m_done) c.shape.updated = now;
    const bool ok = m_doc.applyEdit(edit, ChangeEvent::All);
    if (forward && ok) {
        if (!m_done) {
            // The stamped time and the ids the store gave belong to the step from now on.
            for (size_t i = 0; i < edit.shapes.size() && i < m_record.diffs.size(); ++i)
                if (m_record.diffs[i].after) m_record.diffs[i].after->updated = edit.shapes[i].shape.updated;
            takeAssignedIds(&m_record, edit);
        }
        m_done = true;
    }
    if (forward && !ok && !m_done) setObsolete(true);
}

} // namespace loupe::annotation
