// SPDX-License-Identifier: MIT
#include "annotation/assist/prelabelstore.h"

#include "annotation/assist/prelabelrequest.h"
#include "annotation/bridge/projectannotationstore.h"
#include "annotation/document/annotationstore.h"
#include "core/store/assettags.h"
#include "core/store/project.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace loupe::annotation {

namespace {

QString compact(const QJsonObject& o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QString failure(core::Project& project, const QString& what)
{
    return QStringLiteral("%1: %2 (%3)").arg(project.path(), what, project.db().lastError());
}

} // namespace

bool hasPrelabelRun(core::Database& db, qint64 assetId, const QString& model, const QString& hash,
                    const QJsonObject& parameters)
{
    core::Statement s =
        db.prepare(QStringLiteral("SELECT 1 FROM runs WHERE asset_id = ?1 AND kind = ?2 AND model_path = ?3 "
                                  "AND checkpoint_hash = ?4 AND parameters = ?5 LIMIT 1"));
    s.bind(1, assetId)
        .bind(2, QString::fromLatin1(kPrelabelRunKindName))
        .bind(3, model)
        .bind(4, hash)
        .bind(5, compact(parameters));
    return s.step();
}

std::optional<qint64> storeProposals(core::Project& project, const core::RunRecord& run,
                                     std::vector<Shape>& shapes, QString* error)
{
    core::Transaction t(project.db());
    if (!t.isActive()) {
        *error = failure(project, QStringLiteral("cannot start a transaction"));
        return std::nullopt;
    }
    const std::optional<qint64> runId = project.addRun(run, error);
    if (!runId) return std::nullopt;
    std::vector<ShapeChange> changes;
    changes.reserve(shapes.size());
    for (Shape& s : shapes) {
        s.runId = *runId;
        changes.push_back({ShapeChange::Op::Insert, s});
    }
    // The store's own transaction is a savepoint of this one.
    ProjectAnnotationStore store(project);
    if (!changes.empty() && !store.apply(changes, error)) return std::nullopt;
    if (!t.commit()) {
        *error = failure(project, QStringLiteral("cannot commit the proposals"));
        return std::nullopt;
    }
    for (size_t i = 0; i < shapes.size(); ++i)
        shapes[i].id = changes[i].shape.id;
    return runId;
}

std::optional<qint64> storeTags(core::Project& project, const core::RunRecord& run, const QStringList& tags,
                                int* added, QString* error)
{
    core::Database& db = project.db();
    core::Transaction t(db);
    if (!t.isActive()) {
        *error = failure(project, QStringLiteral("cannot start a transaction"));
        return std::nullopt;
    }
    const std::optional<qint64> runId = project.addRun(run, error);
    if (!runId) return std::nullopt;
    QStringList merged = core::assetTagsIn(db, run.assetId);
    *added = 0;
    for (const QString& tag : tags)
        if (!merged.contains(tag)) {
            merged << tag;
            ++*added;
        }
    if (*added > 0) {
        // Delete then insert, as setAssetTags does, so an undo trigger (when one records) sees the old row.
        core::Statement d = db.prepare(QStringLiteral("DELETE FROM asset_tags WHERE asset_id = ?1"));
        d.bind(1, run.assetId);
        core::Statement s =
            db.prepare(QStringLiteral("INSERT INTO asset_tags(asset_id, tags) VALUES(?1, ?2)"));
        s.bind(1, run.assetId)
            .bind(2, QString::fromUtf8(
                         QJsonDocument(QJsonArray::fromStringList(merged)).toJson(QJsonDocument::Compact)));
        if (!d.run() || !s.run()) {
            *error = failure(project, QStringLiteral("cannot tag image %1").arg(run.assetId));
            return std::nullopt;
        }
    }
    if (!t.commit()) {
        *error = failure(project, QStringLiteral("cannot commit the tags"));
        return std::nullopt;
    }
    return runId;
}

} // namespace loupe::annotation
