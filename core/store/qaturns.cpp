// SPDX-License-Identifier: MIT
#include "core/store/qaturns.h"

#include "core/store/project.h"

namespace loupe::core {

namespace {

bool exists(Database& db, const char* table, qint64 id)
{
    Statement s = db.prepare(QStringLiteral("SELECT 1 FROM %1 WHERE id = ?1").arg(QLatin1String(table)));
    s.bind(1, id);
    return s.step();
}

} // namespace

std::optional<qint64> appendQaTurn(Project& project, qint64 assetId, const QString& question,
                                   const QString& answer, const QString& source, std::optional<qint64> runId,
                                   QString* error)
{
    Database& db = project.db();
    QString why;
    if (question.trimmed().isEmpty())
        why = QStringLiteral("the question is empty");
    else if (!exists(db, "assets", assetId))
        why = QStringLiteral("image %1 is not in the project").arg(assetId);
    else if (runId && !exists(db, "runs", *runId))
        why = QStringLiteral("run %1 is not in the project").arg(*runId);
    if (!why.isEmpty()) {
        if (error) *error = QStringLiteral("%1: %2").arg(project.path(), why);
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
            if (runId)
                s.bind(5, *runId);
            else
                s.bindNull(5);
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
