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
    StoreEdit edit = storeEditOf(m_record, forward);
    m_doc.applyEdit(edit, ChangeEvent::All);
}

} // namespace loupe::annotation
