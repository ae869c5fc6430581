// SPDX-License-Identifier: MIT
#include "annotation/bridge/projectaction.h"

#include "annotation/bridge/projectannotations.h"

namespace loupe::annotation {

ProjectAction::ProjectAction(ProjectAnnotations& owner, qint64 actionId, const QString& text, bool wasUndone)
    : DocumentCommand(text), m_owner(owner), m_action(actionId), m_skipUndo(wasUndone)
{
}

void ProjectAction::redo()
{
    if (m_skipRedo) {
        m_skipRedo = false;
        return;
    }
    m_owner.replayProjectAction(m_action, false);
}

void ProjectAction::undo()
{
    if (m_skipUndo) {
        m_skipUndo = false;
        return;
    }
    m_owner.replayProjectAction(m_action, true);
}

EditRecord ProjectAction::record() const
{
    EditRecord r;
    r.text = text();
    r.projectAction = m_action;
    return r;
}

} // namespace loupe::annotation
