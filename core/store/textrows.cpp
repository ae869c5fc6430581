// SPDX-License-Identifier: MIT
#include "core/store/textrows.h"

#include "core/store/project.h"

namespace loupe::core {

bool rowExists(Database& db, const char* table, qint64 id)
{
    Statement s = db.prepare(QStringLiteral("SELECT 1 FROM %1 WHERE id = ?1").arg(QLatin1String(table)));
    s.bind(1, id);
    return s.step();
}

QString whyNotAddable(Database& db, const QString& text, const QString& blankWhy, qint64 assetId,
                      std::optional<qint64> runId)
{
    if (text.trimmed().isEmpty()) return blankWhy;
    if (!rowExists(db, "assets", assetId))
        return QStringLiteral("image %1 is not in the project").arg(assetId);
    if (runId && !rowExists(db, "runs", *runId))
        return QStringLiteral("run %1 is not in the project").arg(*runId);
    return {};
}

bool refuseEdit(QString* error, const Project& project, const QString& why)
{
    if (error) *error = QStringLiteral("%1: %2").arg(project.path(), why);
    return false;
}

void bindRunId(Statement& s, int index, std::optional<qint64> runId)
{
    if (runId)
        s.bind(index, *runId);
    else
        s.bindNull(index);
}

} // namespace loupe::core
