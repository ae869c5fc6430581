// SPDX-License-Identifier: MIT
#include "core/store/qaturns.h"

#include "core/store/project.h"
#include "core/store/textrows.h"

namespace loupe::core {

std::optional<qint64> appendQaTurn(Project& project, qint64 assetId, const QString& question,
                                   const QString& answer, const QString& source, std::optional<qint64> runId,
                                   QString* error)
{
    const QString why =
        whyNotAddable(project.db(), question, QStringLiteral("the question is empty"), assetId, runId);
    if (!why.isEmpty()) {
        refuseEdit(error, project, why);
        return std::nullopt;
    }
    qint64 id = 0;
    const bool ok = project.edit(
        QStringLiteral("Ask"),
        [&](Database& d) {
            Statement s =
                d.prepare(QStringLiteral("INSERT INTO qa_turns(asset_id, question, answer, source, run_id, "
                                         "created) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"));
            s.bind(1, assetId)
                .bind(2, question)
                .bind(3, answer)
                .bind(4, source.isEmpty() ? QStringLiteral("model") : source);
            bindRunId(s, 5, runId);
            s.bind(6, QDateTime::currentMSecsSinceEpoch());
            if (!s.run()) return false;
            id = d.lastInsertId();
            return true;
        },
        error);
    return ok ? std::optional<qint64>(id) : std::nullopt;
}

QVector<QaTurn> qaTurnsIn(Database& db, qint64 assetId)
{
    QVector<QaTurn> out;
    Statement s =
        db.prepare(QStringLiteral("SELECT id, asset_id, question, answer, source, run_id, created FROM "
                                  "qa_turns WHERE asset_id = ?1 ORDER BY id"));
    s.bind(1, assetId);
    while (s.step()) {
        QaTurn t;
        t.id = s.columnInt64(0);
        t.assetId = s.columnInt64(1);
        t.question = s.columnText(2);
        t.answer = s.columnText(3);
        t.source = s.columnText(4);
        if (!s.columnIsNull(5)) t.runId = s.columnInt64(5);
        t.created = QDateTime::fromMSecsSinceEpoch(s.columnInt64(6), Qt::UTC);
        out.push_back(t);
    }
    return out;
}

QVector<QaTurn> qaTurnsOf(Project& project, qint64 assetId)
{
    return qaTurnsIn(project.db(), assetId);
}

bool clearQaTurns(Project& project, qint64 assetId, QString* error)
{
    return project.edit(
        QStringLiteral("Clear Chat"),
        [&](Database& db) {
            Statement s = db.prepare(QStringLiteral("DELETE FROM qa_turns WHERE asset_id = ?1"));
            s.bind(1, assetId);
            return s.run();
        },
        error);
}

} // namespace loupe::core
