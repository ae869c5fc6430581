// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/commands/documentcommand.h"
#include "annotation/document/annotationdocument.h"

namespace loupe::annotation {

// An undo step restored from the persistent history: redo writes the "after" shapes, undo the
// "before" ones. The store already holds the state the history was saved in, so the stack is rebuilt
// without touching it: the redo QUndoStack::push runs is skipped, and so is the undo that rebuilding the
// stack's index runs on steps that were undone when the history was saved.
class ReplayEdit : public DocumentCommand
{
public:
    ReplayEdit(AnnotationDocument& doc, EditRecord record, bool wasUndone);
    void redo() override { run(true); }
    void undo() override { run(false); }
    EditRecord record() const override { return m_record; }

private:
    void run(bool forward);
    AnnotationDocument& m_doc;
    EditRecord m_record;
    bool m_skipRedo = true;
    bool m_skipUndo;
};

} // namespace loupe::annotation
