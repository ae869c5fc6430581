// SPDX-License-Identifier: MIT
#include "annotation/bridge/projectannotations.h"

#include "annotation/bridge/projectaction.h"
#include "annotation/commands/replayedit.h"
#include "annotation/document/persistenthistory.h"
#include "core/store/project.h"

#include <QLoggingCategory>
#include <QScopedValueRollback>
#include <QSignalBlocker>

namespace loupe::annotation {

Q_LOGGING_CATEGORY(lcProjectAnnotations, "loupe.annotation.project")

ProjectAnnotations::ProjectAnnotations(core::Project& project, QObject* parent)
    : QObject(parent), m_project(project), m_step(project.db()), m_store(project), m_historyStore(project),
      m_doc(std::make_unique<AnnotationDocument>(m_store))
{
    m_store.setStepTransaction(&m_step);
    // A step that no indexChanged closes (a command dropped after it wrote) commits once control is
    // back in the event loop, rather than holding the write lock.
    m_step.setOnOpen(
        [this] { QMetaObject::invokeMethod(this, &ProjectAnnotations::finishStep, Qt::QueuedConnection); });
    load();
    connect(&m_project, &core::Project::historyChanged, this, &ProjectAnnotations::onProjectHistoryChanged);
}

ProjectAnnotations::~ProjectAnnotations()
{
    // The stack's commands die with the document; the saved history must not see that as a change.
    m_history.reset();
    disconnect(m_doc->undoStack(), nullptr, this, nullptr);
    finishStep();
}

void ProjectAnnotations::finishStep()
{
    QString error;
    const bool committed = m_step.finish(&error);
    if (std::exchange(m_projectChangedInStep, false)) {
        const QScopedValueRollback<bool> ours(m_replaying, true); // our own replay, not an outside edit
        emit m_project.changed();
        emit m_project.historyChanged();
    }
    if (std::exchange(m_reloadAfterStep, false)) m_doc->notifyReloaded();
    if (committed) return;
    // Rows and record were rolled back together; the stack in memory no longer matches the file.
    const QString message = QStringLiteral("%1: cannot save the edit (%2)").arg(m_project.path(), error);
    warn(message);
    emit m_doc->storeFailed(message);
    QMetaObject::invokeMethod(
        this,
        [this] {
            load();
            m_doc->notifyReloaded();
        },
        Qt::QueuedConnection);
}

void ProjectAnnotations::warn(const QString& message)
{
    qCWarning(lcProjectAnnotations) << message;
    if (m_warning.isEmpty()) m_warning = message;
    emit historyWarning(message);
}

// The one history as the project alone knows it: its actions, the undone ones last.
void ProjectAnnotations::historyFromProject(const QVector<core::Project::UndoAction>& actions,
                                            std::vector<QByteArray>* records, int* index)
{
    records->clear();
    *index = 0;
    for (const auto& a : actions) {
        records->push_back(editRecordToJson(EditRecord{a.name, {}, a.id}));
        if (!a.undone) *index = int(records->size());
    }
}

// Brings the saved editor history in line with the project's own undo log before it is restored: the
// project steps it lists must be exactly the project's actions, in order, undone exactly where the
// stack's index says. Actions recorded while the project was open elsewhere (the command line) are
// appended. Anything else means the two diverged; then the history is rebuilt from the project's
// actions alone, since only those can still be undone faithfully. True when records changed.
bool ProjectAnnotations::reconcile(std::vector<QByteArray>* records, int* index)
{
    const QVector<core::Project::UndoAction> actions = m_project.undoActions();
    auto rebuild = [&](const QString& why) {
        if (!records->empty())
            warn(QStringLiteral("%1: annotation undo history reset: %2").arg(m_project.path(), why));
        historyFromProject(actions, records, index);
        return true;
    };
    *index = std::clamp(*index, 0, int(records->size()));
    std::vector<std::pair<int, qint64>> steps; // (position, project action)
    for (size_t i = 0; i < records->size(); ++i) {
        // Only project steps matter here; shape steps are read once, by restore() (a long history
        // would otherwise be parsed twice at every open).
        if (!(*records)[i].contains("\"project_action\"")) continue;
        QString error;
        const auto r = editRecordFromJson((*records)[i], &error);
        if (!r) return rebuild(QStringLiteral("step %1 is unreadable (%2)").arg(i + 1).arg(error));
        if (r->projectAction) steps.emplace_back(int(i), r->projectAction);
    }
    if (steps.size() > size_t(actions.size()))
        return rebuild(QStringLiteral("the project's undo log has fewer steps than the history"));
    for (size_t k = 0; k < steps.size(); ++k) {
        if (steps[k].second != actions[qsizetype(k)].id ||
            (steps[k].first >= *index) != actions[qsizetype(k)].undone)
            return rebuild(QStringLiteral("the project was undone or edited outside this history"));
    }
    if (steps.size() == size_t(actions.size())) return false;
    // Newer project actions: they happened after everything in the history, and after any step that
    // was undone then (a new edit drops the redo branch).
    bool changed = false;
    if (*index < int(records->size())) {
        if (!steps.empty() && steps.back().first >= *index)
            return rebuild(QStringLiteral("the project was edited after an undo outside this history"));
        records->resize(size_t(*index));
        changed = true;
    }
    for (qsizetype k = qsizetype(steps.size()); k < actions.size(); ++k) {
        records->push_back(editRecordToJson(EditRecord{actions[k].name, {}, actions[k].id}));
        if (!actions[k].undone) *index = int(records->size());
        changed = true;
    }
    return changed;
}

void ProjectAnnotations::load()
{
    // Rebuilding the stack passes through states (index == count with undone steps still to push) that
    // onIndexChanged() must not take for a new edit.
    const QScopedValueRollback<bool> guard(m_replaying, true);
    m_history.reset();
    m_doc->undoStack()->clear();
    std::vector<QByteArray> records = m_historyStore.records();
    int index = m_historyStore.index();
    if (reconcile(&records, &index)) {
        QString error;
        if (!m_historyStore.replace(records, index, &error))
            warn(QStringLiteral("cannot save the rebuilt undo history: %1").arg(error));
    }
    m_history = std::make_unique<PersistentHistory>(*m_doc, m_historyStore);
    // After the history's own connection, so a step commits once its record is written.
    disconnect(m_doc->undoStack(), &QUndoStack::indexChanged, this, &ProjectAnnotations::onIndexChanged);
    connect(m_doc->undoStack(), &QUndoStack::indexChanged, this, &ProjectAnnotations::onIndexChanged);
    m_history->setReplayFactory([this](EditRecord r, bool undone) -> DocumentCommand* {
        if (r.projectAction) return new ProjectAction(*this, r.projectAction, r.text, undone);
        return new ReplayEdit(*m_doc, std::move(r), undone);
    });
    QString error;
    if (!m_history->restore(&error)) {
        // A shape step cannot be read: keep what can still be undone faithfully, the project's steps.
        m_doc->undoStack()->clear();
        std::vector<QByteArray> projectOnly;
        int projectIndex = 0;
        historyFromProject(m_project.undoActions(), &projectOnly, &projectIndex);
        warn(QStringLiteral("%1: annotation undo history reset: %2").arg(m_project.path(), error));
        if (!m_historyStore.replace(projectOnly, projectIndex, &error) || !m_history->restore(&error)) {
            warn(QStringLiteral("%1: cannot restore the undo history: %2").arg(m_project.path(), error));
            m_doc->undoStack()->clear();
        }
    }
    qCDebug(lcProjectAnnotations) << "history" << m_doc->undoStack()->count() << "steps at"
                                  << m_doc->undoStack()->index();
}

std::optional<qint64> ProjectAnnotations::expectedUndoAction() const
{
    const QUndoStack* stack = m_doc->undoStack();
    for (int i = stack->index() - 1; i >= 0; --i)
        if (const auto* a = dynamic_cast<const ProjectAction*>(stack->command(i))) return a->actionId();
    return std::nullopt;
}

bool ProjectAnnotations::replayProjectAction(qint64 actionId, bool undoing)
{
    const auto next = undoing ? m_project.undoActionId() : m_project.redoActionId();
    QString error;
    bool ok = false;
    if (next != actionId) {
        error =
            QStringLiteral("%1: the project's undo log is out of step with Edit > Undo (expected step %2)")
                .arg(m_project.path())
                .arg(actionId);
        // Changed through another connection (the command line) while open. The stack cannot be rebuilt
        // from inside one of its own commands, so it is once this undo/redo has returned.
        QMetaObject::invokeMethod(
            this,
            [this] {
                load();
                m_doc->notifyReloaded();
            },
            Qt::QueuedConnection);
    } else if (!m_step.join()) {
        error = QStringLiteral("%1: %2").arg(m_project.path(), m_project.db().lastError());
    } else {
        m_replaying = true;
        {
            // Listeners that read through their own connection (the browser's worker) would look before
            // the step commits; finishStep() tells them once it has.
            const QSignalBlocker quiet(&m_project);
            ok = undoing ? m_project.undo(&error) : m_project.redo(&error);
        }
        m_replaying = false;
        m_projectChangedInStep = m_projectChangedInStep || ok;
    }
    if (!ok) emit m_doc->storeFailed(error);
    if (m_step.isOpen())
        m_reloadAfterStep = true;
    else
        m_doc->notifyReloaded();
    return ok;
}

void ProjectAnnotations::onProjectHistoryChanged()
{
    if (m_replaying) return;
    const auto top = m_project.undoActionId();
    if (top == expectedUndoAction()) return;
    if (top && !m_project.canRedo()) {
        // A new project step (Project::edit): it joins the one history on top. Pushing drops the
        // stack's redo branch exactly as the project's edit dropped its own.
        m_doc->undoStack()->push(new ProjectAction(*this, *top, m_project.undoText(), false));
        m_doc->notifyReloaded();
        return;
    }
    // Undone or redone outside Edit > Undo: reconcile() finds the two out of step and says so.
    load();
    m_doc->notifyReloaded();
}

void ProjectAnnotations::onIndexChanged()
{
    // A new step dropped the stack's redo branch; project actions in it must go from the project's log too,
    // or its next redo would replay one of them.
    const QUndoStack* stack = m_doc->undoStack();
    if (!m_replaying && m_history && stack->index() == stack->count() && m_project.canRedo()) {
        m_replaying = true;
        QString error;
        if (!m_project.discardRedo(&error)) warn(error);
        m_replaying = false;
    }
    finishStep();
}

} // namespace loupe::annotation
