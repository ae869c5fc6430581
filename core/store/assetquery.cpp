// SPDX-License-Identifier: MIT
#include "core/store/assetquery.h"

#include <sqlite3.h>

namespace loupe::core {

namespace {

QString whereClause(const AssetFilter& f)
{
    QStringList parts;
    if (!f.text.isEmpty()) parts << QStringLiteral("a.path LIKE ?1 ESCAPE '\\'");
    if (f.labelId)
        parts << QStringLiteral(
            "EXISTS (SELECT 1 FROM annotations n WHERE n.asset_id = a.id AND n.label_id = ?2)");
    if (!f.split.isEmpty()) parts << QStringLiteral("a.split = ?3");
    if (f.reviewState) parts << QStringLiteral("a.review_state = ?4");
    if (f.done) parts << QStringLiteral("a.done = ?7");
    // Index lookups on annotations(asset_id, review_state), one per image.
    const QString hasShapeIn = QStringLiteral(
        "EXISTS (SELECT 1 FROM annotations n WHERE n.asset_id = a.id AND n.review_state = %1)");
    if (f.shapeReviewState) parts << hasShapeIn.arg(QStringLiteral("?8"));
    if (f.hasNeedsFix) parts << hasShapeIn.arg(QStringLiteral("3"));
    if (!f.captionText.isEmpty())
        parts << QStringLiteral(
            "EXISTS (SELECT 1 FROM captions c WHERE c.asset_id = a.id AND loupe_fold(c.text) LIKE ?9 "
            "ESCAPE '\\')");
    return parts.isEmpty() ? QString() : QStringLiteral(" WHERE ") + parts.join(QStringLiteral(" AND "));
}

// A LIKE pattern matching `text` anywhere, its own wildcards escaped.
QString containsPattern(QString t)
{
    t.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
        .replace(QLatin1Char('%'), QStringLiteral("\\%"))
        .replace(QLatin1Char('_'), QStringLiteral("\\_"));
    return QLatin1Char('%') + t + QLatin1Char('%');
}

void bindFilter(Statement& s, const AssetFilter& f)
{
    if (!f.text.isEmpty()) s.bind(1, containsPattern(f.text));
    if (!f.captionText.isEmpty()) s.bind(9, containsPattern(f.captionText.toCaseFolded()));
    if (f.labelId) s.bind(2, *f.labelId);
    if (!f.split.isEmpty()) s.bind(3, f.split);
    if (f.reviewState) s.bind(4, *f.reviewState);
    if (f.done) s.bind(7, qint64(*f.done ? 1 : 0));
    if (f.shapeReviewState) s.bind(8, *f.shapeReviewState);
}

} // namespace

// The per-state counts are index lookups on annotations(asset_id, review_state), one per row of a page.
const char* const kAssetColumns =
    "a.id, a.path, a.sha256, a.width, a.height, a.format, a.split, a.review_state, "
    "(SELECT COUNT(*) FROM annotations n WHERE n.asset_id = a.id), a.added, a.done, "
    "(SELECT COUNT(*) FROM annotations n WHERE n.asset_id = a.id AND n.review_state = 0), "
    "(SELECT COUNT(*) FROM annotations n WHERE n.asset_id = a.id AND n.review_state = 1), "
    "(SELECT COUNT(*) FROM annotations n WHERE n.asset_id = a.id AND n.review_state = 2), "
    "(SELECT COUNT(*) FROM annotations n WHERE n.asset_id = a.id AND n.review_state = 3), "
    "a.sequence, a.frame";

AssetRow readAssetRow(const Statement& s)
{
    AssetRow r;
    r.id = s.columnInt64(0);
    r.storedPath = s.columnText(1);
    r.sha256Hex = s.columnText(2);
    r.width = int(s.columnInt64(3));
    r.height = int(s.columnInt64(4));
    r.format = s.columnText(5);
    r.split = s.columnText(6);
    r.reviewState = int(s.columnInt64(7));
    r.annotationCount = int(s.columnInt64(8));
    r.added = QDateTime::fromMSecsSinceEpoch(s.columnInt64(9), Qt::UTC);
    r.done = s.columnInt64(10) != 0;
    for (int k = 0; k < 4; ++k)
        r.reviewCounts[size_t(k)] = int(s.columnInt64(11 + k));
    r.sequence = s.columnText(15);
    if (!s.columnIsNull(16)) r.frame = s.columnInt64(16);
    return r;
}

qint64 countAssetsIn(Database& db, const AssetFilter& filter)
{
    Statement s = db.prepare(QStringLiteral("SELECT COUNT(*) FROM assets a") + whereClause(filter));
    bindFilter(s, filter);
    return s.step() ? s.columnInt64(0) : 0;
}

QVector<AssetRow> assetPageIn(Database& db, const AssetFilter& filter, qint64 offset, int limit)
{
    QVector<AssetRow> rows;
    // In the order of import, except that a video's frames stay together in frame order where its first
    // frame came (a second import of other frames of it adds them later). The grouping walks the
    // assets_sequence_frame index over frames only; without videos the order is by id alone.
    Statement s = db.prepare(
        QStringLiteral(
            "SELECT %1 FROM assets a LEFT JOIN (SELECT sequence AS seq, MIN(id) AS first FROM assets "
            "WHERE sequence IS NOT NULL GROUP BY sequence) sq ON sq.seq = a.sequence")
            .arg(QLatin1String(kAssetColumns)) +
        whereClause(filter) +
        QStringLiteral(" ORDER BY COALESCE(sq.first, a.id), a.frame, a.id LIMIT ?5 OFFSET ?6"));
    bindFilter(s, filter);
    s.bind(5, qint64(limit)).bind(6, offset);
    while (s.step())
        rows.push_back(readAssetRow(s));
    return rows;
}

std::unique_ptr<AssetQuery> AssetQuery::open(const QString& projectPath, QString* error)
{
    auto q = std::unique_ptr<AssetQuery>(new AssetQuery);
    if (!q->m_db.open(projectPath, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX)) {
        if (error) *error = QStringLiteral("%1: %2").arg(projectPath, q->m_db.lastError());
        return nullptr;
    }
    return q; // Database::open installed the wait for other writers' locks
}

qint64 AssetQuery::count(const AssetFilter& filter)
{
    return countAssetsIn(m_db, filter);
}

QVector<AssetRow> AssetQuery::page(const AssetFilter& filter, qint64 offset, int limit)
{
    return assetPageIn(m_db, filter, offset, limit);
}

QByteArray AssetQuery::thumbnail(qint64 assetId)
{
    Statement s = m_db.prepare(QStringLiteral("SELECT data FROM thumbnails WHERE asset_id = ?1"));
    s.bind(1, assetId);
    return s.step() ? s.columnBlob(0) : QByteArray();
}

} // namespace loupe::core
