// SPDX-License-Identifier: MIT
#include "annotation/commands/replayedit.h"

namespace loupe::annotation {

ReplayEdit::ReplayEdit(AnnotationDocument& doc, EditRecord record, bool wasUndone)
    : DocumentCommand(record.text), m_doc(doc), m_record(std::move(record)), m_skipUndo(wasUndone)
{
}

void ReplayEdit::run(bool forward)
{
    if (forward && m_skipRedo) {
        m_skipRedo = false;
        return;
    }
    if (!forward && m_skipUndo) {
        m_skipUndo = false;
        return;
    }
    std::vector<ShapeChange> changes;
    for (const ShapeDiff& d : m_record.diffs) {
        const auto& from = forward ? d.before : d.after;
        const auto& to = forward ? d.after : d.before;
        if (!from)
            changes.push_back({ShapeChange::Op::Insert, *to});
        else if (!to)
            changes.push_back({ShapeChange::Op::Remove, *from});
        else
            changes.push_back({ShapeChange::Op::Update, *to});
    }
    m_doc.apply(changes, ChangeEvent::All);
}

} // namespace loupe::annotation
