// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/bridge/projectannotationstore.h"
#include "annotation/bridge/projecthistorystore.h"
#include "annotation/bridge/undosteptransaction.h"
#include "annotation/document/annotationdocument.h"
#include "core/store/project.h"

#include <QObject>
#include <memory>

namespace loupe::annotation {

class PersistentHistory;

// The annotations of an open project, for the app: the SQLite-backed store, the document and the ONE
// undo history of the project. Shape edits go through document()'s commands and are kept in the
// editor's history table (undo after reopening works); project-level steps recorded by Project::edit
// (annotation imports, split and label edits) appear on the same stack as ProjectAction entries that
// call Project::undo/redo. Wire Edit > Undo/Redo to undoStack() only; calling Project::undo directly
// puts the two out of step (the stack is then rebuilt from the project's log, with a warning).
// Every change of the stack (push, undo, redo, a jump of several) is one SQLite commit: the rows it
// writes, the project's undo log when it replays a project step, and the history record.
class ProjectAnnotations : public QObject
{
    Q_OBJECT
public:
    // The project must outlive this object. The saved history is restored here; see openWarning().
    explicit ProjectAnnotations(core::Project& project, QObject* parent = nullptr);
    ~ProjectAnnotations() override;

    AnnotationDocument* document() const { return m_doc.get(); }
    QUndoStack* undoStack() const { return m_doc->undoStack(); }
    core::Project& project() const { return m_project; }
    ProjectAnnotationStore& store() { return m_store; }
    // Empty when the saved history came back whole; otherwise what was dropped and why.
    QString openWarning() const { return m_warning; }

    // Called by ProjectAction: undoes or redoes the project's action `actionId`, refusing when it is not
    // the one the project would undo/redo next.
    bool replayProjectAction(qint64 actionId, bool undoing);

signals:
    // The history could not be kept as it was (see openWarning() for the first time).
    void historyWarning(const QString& message);

private:
    void load();
    bool reconcile(std::vector<QByteArray>* records, int* index);
    static void historyFromProject(const QVector<core::Project::UndoAction>& actions,
                                   std::vector<QByteArray>* records, int* index);
    void onProjectHistoryChanged();
    void onIndexChanged();
    void finishStep();
    std::optional<qint64> expectedUndoAction() const;
    void warn(const QString& message);

    core::Project& m_project;
    UndoStepTransaction m_step; // after the stores that write in it have gone, a leftover step commits
    ProjectAnnotationStore m_store;
    ProjectHistoryStore m_historyStore;
    std::unique_ptr<AnnotationDocument> m_doc;
    std::unique_ptr<PersistentHistory> m_history; // destroyed before the document's stack
    QString m_warning;
    bool m_replaying = false;
    bool m_projectChangedInStep = false; // the project's own signals wait for the step's commit
    bool m_reloadAfterStep = false;
};

} // namespace loupe::annotation
