// SPDX-License-Identifier: MIT
// Project's undo/redo: actions and their inverse SQL live in the project file (undo_actions, undo_log),
// written by triggers while an action is recorded, so history survives closing the project.
#include "core/store/project.h"

#include <QDateTime>

namespace loupe::core {

namespace {

bool setRecording(Database& db, std::optional<qint64> action)
{
    Statement s = db.prepare(QStringLiteral("UPDATE undo_state SET recording = ?1, action_id = ?2"));
    s.bind(1, qint64(action ? 1 : 0));
    if (action)
        s.bind(2, *action);
    else
        s.bindNull(2);
    return s.run();
}

} // namespace

std::optional<qint64> Project::lastAction(bool undone) const
{
    // Undo takes the newest action not undone; redo the oldest undone one (undone actions form a suffix).
    Statement s = const_cast<Database&>(m_db).prepare(
        undone ? QStringLiteral("SELECT id FROM undo_actions WHERE undone = 1 ORDER BY id ASC LIMIT 1")
               : QStringLiteral("SELECT id FROM undo_actions WHERE undone = 0 ORDER BY id DESC LIMIT 1"));
    if (s.step())
        return s.columnInt64(0);
    return std::nullopt;
}

bool Project::canUndo() const
{
    return lastAction(false).has_value();
}

bool Project::canRedo() const
{
    return lastAction(true).has_value();
}

QString Project::undoText() const
{
    const auto id = lastAction(false);
    if (!id)
        return {};
    Statement s = const_cast<Database&>(m_db).prepare(QStringLiteral("SELECT name FROM undo_actions WHERE id = ?1"));
    s.bind(1, *id);
    return s.step() ? s.columnText(0) : QString();
}

QString Project::redoText() const
{
    const auto id = lastAction(true);
    if (!id)
        return {};
    Statement s = const_cast<Database&>(m_db).prepare(QStringLiteral("SELECT name FROM undo_actions WHERE id = ?1"));
    s.bind(1, *id);
    return s.step() ? s.columnText(0) : QString();
}

bool Project::edit(const QString& actionName, const std::function<bool(Database&)>& work, QString* error)
{
    bool recorded = false;
    {
        Transaction t(m_db);
        if (!t.isActive()) {
            if (error)
                *error = QStringLiteral("%1: %2").arg(m_path, m_db.lastError());
            return false;
        }
        // A new edit after undo drops the redo branch, as every editor does.
        m_db.exec(QStringLiteral("DELETE FROM undo_log WHERE action_id IN (SELECT id FROM undo_actions WHERE undone = 1)"));
        m_db.exec(QStringLiteral("DELETE FROM undo_actions WHERE undone = 1"));
        Statement a = m_db.prepare(QStringLiteral("INSERT INTO undo_actions(name, undone, created) VALUES(?1, 0, ?2)"));
        a.bind(1, actionName).bind(2, QDateTime::currentMSecsSinceEpoch());
        if (!a.run()) {
            if (error)
                *error = QStringLiteral("%1: %2").arg(m_path, m_db.lastError());
            return false;
        }
        const qint64 action = m_db.lastInsertId();
        bool ok = false;
        try {
            ok = setRecording(m_db, action) && work(m_db);
        } catch (...) {
            ok = false;
        }
        if (!ok) {
            if (error)
                *error = QStringLiteral("%1: %2 failed (%3)").arg(m_path, actionName, m_db.lastError());
            return false; // the guard rolls everything back, recording flag included
        }
        setRecording(m_db, std::nullopt);
        Statement n = m_db.prepare(QStringLiteral("SELECT COUNT(*) FROM undo_log WHERE action_id = ?1"));
        n.bind(1, action);
        recorded = n.step() && n.columnInt64(0) > 0;
        if (!recorded) {
            Statement d = m_db.prepare(QStringLiteral("DELETE FROM undo_actions WHERE id = ?1"));
            d.bind(1, action);
            d.run();
        }
        if (!t.commit()) {
            if (error)
                *error = QStringLiteral("%1: %2").arg(m_path, m_db.lastError());
            return false;
        }
    }
    emit changed();
    if (recorded)
        emit historyChanged();
    return true;
}

QVector<Project::UndoAction> Project::undoActions() const
{
    QVector<UndoAction> out;
    Statement s =
        const_cast<Database&>(m_db).prepare(QStringLiteral("SELECT id, name, undone FROM undo_actions ORDER BY id"));
    while (s.step())
        out.push_back({s.columnInt64(0), s.columnText(1), s.columnInt64(2) != 0});
    return out;
}

bool Project::discardRedo(QString* error)
{
    if (!canRedo())
        return true;
    Transaction t(m_db);
    if (!t.isActive() ||
        !m_db.exec(QStringLiteral(
            "DELETE FROM undo_log WHERE action_id IN (SELECT id FROM undo_actions WHERE undone = 1)")) ||
        !m_db.exec(QStringLiteral("DELETE FROM undo_actions WHERE undone = 1")) || !t.commit()) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(m_path, m_db.lastError());
        return false;
    }
    emit historyChanged();
    return true;
}

bool Project::undo(QString* error)
{
    return replay(true, error);
}

bool Project::redo(QString* error)
{
    return replay(false, error);
}

bool Project::replay(bool undoing, QString* error)
{
    const auto action = lastAction(!undoing);
    if (!action) {
        if (error)
            *error = undoing ? QStringLiteral("nothing to undo") : QStringLiteral("nothing to redo");
        return false;
    }
    {
        Transaction t(m_db);
        if (!t.isActive()) {
            if (error)
                *error = QStringLiteral("%1: %2").arg(m_path, m_db.lastError());
            return false;
        }
        QStringList statements;
        QList<qint64> seqs;
        Statement s = m_db.prepare(QStringLiteral("SELECT seq, sql FROM undo_log WHERE action_id = ?1 ORDER BY seq DESC"));
        s.bind(1, *action);
        while (s.step()) {
            seqs << s.columnInt64(0);
            statements << s.columnText(1);
        }
        Statement del = m_db.prepare(QStringLiteral("DELETE FROM undo_log WHERE action_id = ?1"));
        del.bind(1, *action);
        // Cascades log child rows after their parent (a label's delete, then its annotations' SET NULL), so
        // the replay meets children first: foreign keys are checked at commit, not per statement.
        if (!m_db.exec(QStringLiteral("PRAGMA defer_foreign_keys = ON")) || !del.run() ||
            !setRecording(m_db, *action)) {
            if (error)
                *error = QStringLiteral("%1: %2").arg(m_path, m_db.lastError());
            return false;
        }
        // Replaying fires the triggers again, which log the inverse: undo records the redo and vice versa.
        for (const QString& sql : statements) {
            if (!m_db.exec(sql)) {
                if (error)
                    *error = QStringLiteral("%1: cannot %2 (%3)")
                                 .arg(m_path, undoing ? QStringLiteral("undo") : QStringLiteral("redo"), m_db.lastError());
                return false;
            }
        }
        setRecording(m_db, std::nullopt);
        Statement mark = m_db.prepare(QStringLiteral("UPDATE undo_actions SET undone = ?1 WHERE id = ?2"));
        mark.bind(1, qint64(undoing ? 1 : 0)).bind(2, *action);
        if (!mark.run() || !t.commit()) {
            if (error)
                *error = QStringLiteral("%1: %2").arg(m_path, m_db.lastError());
            return false;
        }
    }
    emit changed();
    emit historyChanged();
    return true;
}

} // namespace loupe::core
