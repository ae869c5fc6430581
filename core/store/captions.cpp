// SPDX-License-Identifier: MIT
#include "core/store/captions.h"

#include "core/store/project.h"
#include "core/store/textrows.h"

namespace loupe::core {

std::optional<qint64> insertCaption(Database& db, qint64 assetId, const QString& text, const QString& source,
                                    std::optional<qint64> runId, QString* error)
{
    Statement s = db.prepare(QStringLiteral(
        "INSERT INTO captions(asset_id, text, source, run_id, created) VALUES(?1, ?2, ?3, ?4, ?5)"));
    s.bind(1, assetId).bind(2, text).bind(3, source.isEmpty() ? QStringLiteral("manual") : source);
    bindRunId(s, 4, runId);
    s.bind(5, QDateTime::currentMSecsSinceEpoch());
    if (!s.run()) {
        if (error)
            *error =
                QStringLiteral("cannot store the caption of image %1 (%2)").arg(assetId).arg(db.lastError());
        return std::nullopt;
    }
    return db.lastInsertId();
}

std::optional<qint64> addCaption(Project& project, qint64 assetId, const QString& text, const QString& source,
                                 std::optional<qint64> runId, QString* error)
{
    const QString why =
        whyNotAddable(project.db(), text, QStringLiteral("the caption is empty"), assetId, runId);
    if (!why.isEmpty()) {
        refuseEdit(error, project, why);
        return std::nullopt;
    }
    std::optional<qint64> id;
    const bool ok = project.edit(
        QStringLiteral("Add Caption"),
        [&](Database& d) { return (id = insertCaption(d, assetId, text, source, runId)).has_value(); },
        error);
    return ok ? id : std::nullopt;
}

bool updateCaptionText(Project& project, qint64 captionId, const QString& text, QString* error)
{
    if (text.trimmed().isEmpty()) return refuseEdit(error, project, QStringLiteral("the caption is empty"));
    if (!rowExists(project.db(), "captions", captionId))
        return refuseEdit(error, project, QStringLiteral("caption %1 does not exist").arg(captionId));
    return project.edit(
        QStringLiteral("Edit Caption"),
        [&](Database& db) {
            Statement s = db.prepare(QStringLiteral("UPDATE captions SET text = ?1 WHERE id = ?2"));
            s.bind(1, text).bind(2, captionId);
            return s.run();
        },
        error);
}

bool removeCaption(Project& project, qint64 captionId, QString* error)
{
    if (!rowExists(project.db(), "captions", captionId))
        return refuseEdit(error, project, QStringLiteral("caption %1 does not exist").arg(captionId));
    return project.edit(
        QStringLiteral("Remove Caption"),
        [&](Database& db) {
            Statement s = db.prepare(QStringLiteral("DELETE FROM captions WHERE id = ?1"));
            s.bind(1, captionId);
            return s.run();
        },
        error);
}

QVector<CaptionRow> captionsIn(Database& db, qint64 assetId)
{
    QVector<CaptionRow> out;
    Statement s = db.prepare(QStringLiteral(
        "SELECT id, asset_id, text, source, run_id, created FROM captions WHERE asset_id = ?1 ORDER BY id"));
    s.bind(1, assetId);
    while (s.step()) {
        CaptionRow c;
        c.id = s.columnInt64(0);
        c.assetId = s.columnInt64(1);
        c.text = s.columnText(2);
        c.source = s.columnText(3);
        if (!s.columnIsNull(4)) c.runId = s.columnInt64(4);
        c.created = QDateTime::fromMSecsSinceEpoch(s.columnInt64(5), Qt::UTC);
        out.push_back(c);
    }
    return out;
}

QVector<CaptionRow> captionsOf(Project& project, qint64 assetId)
{
    return captionsIn(project.db(), assetId);
}

} // namespace loupe::core
