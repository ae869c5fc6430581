// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/commands/documentcommand.h"
#include "annotation/document/annotationdocument.h"

#include <functional>

namespace loupe::annotation {

// Base of the commands that edit labels and image tags (and the shapes that go with them): the step
// is an EditRecord of before/after states built when the command is made; redo writes the "after"
// side and undo the "before" side, each one store transaction. A command whose first redo fails (a
// duplicate name, a store error) never happened and is dropped from the stack.
class EditCommand : public DocumentCommand
{
public:
    void redo() override { run(true); }
    void undo() override { run(false); }
    EditRecord record() const override { return m_record; }
    // False when there is nothing to do (the label already has that name, ...): do not push it.
    bool isNoOp() const
    {
        return m_record.diffs.empty() && m_record.labelDiffs.empty() && m_record.tagDiffs.empty();
    }

protected:
    EditCommand(AnnotationDocument& doc, const QString& text) : DocumentCommand(text), m_doc(doc) {}
    // Adds the diff of label `id` changed by `change` (nothing when the label does not exist or
    // `change` leaves it as it was).
    void changeLabel(qint64 id, const std::function<void(LabelDef&)>& change);

    AnnotationDocument& m_doc;
    EditRecord m_record;

private:
    void run(bool forward);
    bool m_done = false;
};

} // namespace loupe::annotation
