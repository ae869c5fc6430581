// SPDX-License-Identifier: MIT
#include "core/store/assettags.h"

#include "core/store/project.h"
#include "core/store/textrows.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace loupe::core {

QStringList assetTagsIn(Database& db, qint64 assetId)
{
    Statement s = db.prepare(QStringLiteral("SELECT tags FROM asset_tags WHERE asset_id = ?1"));
    s.bind(1, assetId);
    if (!s.step()) return {};
    QStringList out;
    for (const QJsonValue& v : QJsonDocument::fromJson(s.columnText(0).toUtf8()).array())
        if (v.isString()) out << v.toString();
    return out;
}

QStringList assetTags(Project& project, qint64 assetId)
{
    return assetTagsIn(project.db(), assetId);
}

bool setAssetTags(Project& project, qint64 assetId, const QStringList& tags, QString* error)
{
    QStringList clean;
    for (const QString& t : tags) {
        const QString s = t.trimmed();
        if (!s.isEmpty() && !clean.contains(s)) clean << s;
    }
    if (!rowExists(project.db(), "assets", assetId))
        return refuseEdit(error, project, QStringLiteral("image %1 is not in the project").arg(assetId));
    return project.edit(
        QStringLiteral("Set Tags"),
        [&](Database& db) {
            // Delete then insert, not INSERT OR REPLACE: REPLACE's implicit delete fires no trigger, so
            // undo would not know the old tags.
            Statement d = db.prepare(QStringLiteral("DELETE FROM asset_tags WHERE asset_id = ?1"));
            d.bind(1, assetId);
            if (!d.run()) return false;
            if (clean.isEmpty()) return true;
            Statement s = db.prepare(QStringLiteral("INSERT INTO asset_tags(asset_id, tags) VALUES(?1, ?2)"));
            s.bind(1, assetId)
                .bind(2,
                      QString::fromUtf8(
                          QJsonDocument(QJsonArray::fromStringList(clean)).toJson(QJsonDocument::Compact)));
            return s.run();
        },
        error);
}

} // namespace loupe::core
