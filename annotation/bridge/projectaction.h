// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/commands/documentcommand.h"

namespace loupe::annotation {

class ProjectAnnotations;

// A project-level step (an annotation import, a split or label edit: anything Project::edit recorded)
// as one entry of the editor's undo stack, so the user sees one history. Undo and redo call the
// project's own trigger-log undo/redo. It is pushed after the step already happened, so the redo that
// QUndoStack::push runs is skipped; when restored as undone, so is the undo that sets the stack's index.
class ProjectAction : public DocumentCommand
{
public:
    ProjectAction(ProjectAnnotations& owner, qint64 actionId, const QString& text, bool wasUndone);
    void redo() override;
    void undo() override;
    EditRecord record() const override;
    qint64 actionId() const { return m_action; }

private:
    ProjectAnnotations& m_owner;
    qint64 m_action;
    bool m_skipRedo = true;
    bool m_skipUndo;
};

} // namespace loupe::annotation
