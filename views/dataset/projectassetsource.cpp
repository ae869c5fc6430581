// SPDX-License-Identifier: MIT
#include "views/dataset/projectassetsource.h"

#include "core/store/assetquery.h"
#include "core/store/captions.h"
#include "core/store/database.h"

#include <QDir>
#include <QFileInfo>

namespace loupe::views {

namespace {

// SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, as AssetQuery opens its connection (views do not include
// SQLite's header).
constexpr int kReadOnly = 0x00000001 | 0x00008000;

core::AssetFilter toCoreFilter(const DatasetFilter& f)
{
    core::AssetFilter c;
    c.text = f.text;
    if (f.labelId >= 0) c.labelId = f.labelId;
    c.split = f.split;
    const int state = assetReviewStateFromName(f.reviewState);
    if (state >= 0) c.reviewState = state;
    if (f.done >= 0) c.done = f.done != 0;
    c.hasNeedsFix = f.hasNeedsFix;
    if (f.shapeReviewState >= 0) c.shapeReviewState = f.shapeReviewState;
    c.captionText = f.captionText;
    return c;
}

class ProjectAssetSource : public AssetSource
{
public:
    explicit ProjectAssetSource(QString projectPath)
        : m_projectPath(std::move(projectPath)), m_dir(QFileInfo(m_projectPath).absoluteDir())
    {
    }

    int count(const DatasetFilter& filter, QString* error) override
    {
        if (!ensure(error)) return -1;
        return int(m_query->count(toCoreFilter(filter)));
    }

    QList<AssetRow> page(const DatasetFilter& filter, int offset, int limit, QString* error) override
    {
        QList<AssetRow> rows;
        if (!ensure(error)) return rows;
        const QVector<core::AssetRow> page = m_query->page(toCoreFilter(filter), offset, limit);
        rows.reserve(page.size());
        for (const core::AssetRow& r : page) {
            AssetRow row;
            row.id = r.id;
            row.relativePath = r.storedPath;
            row.absolutePath = QDir::isAbsolutePath(r.storedPath)
                                   ? r.storedPath
                                   : QDir::cleanPath(m_dir.absoluteFilePath(r.storedPath));
            row.width = r.width;
            row.height = r.height;
            row.split = r.split;
            row.reviewState = assetReviewStateName(r.reviewState);
            row.annotationCount = r.annotationCount;
            row.done = r.done;
            row.reviewCounts = r.reviewCounts;
            row.sequence = r.sequence;
            row.frame = r.frame.value_or(-1);
            // One index lookup per row (captions_asset); the first caption is what the browser shows.
            const QVector<core::CaptionRow> captions = core::captionsIn(m_captions, r.id);
            if (!captions.isEmpty()) row.caption = captions.front().text;
            rows.append(row);
        }
        return rows;
    }

private:
    bool ensure(QString* error)
    {
        if (m_query) return true;
        QString why;
        m_query = core::AssetQuery::open(m_projectPath, &why);
        // Captions are read on a second read-only connection of this thread: AssetQuery keeps its own.
        if (m_query && !m_captions.open(m_projectPath, kReadOnly)) {
            why = QStringLiteral("%1: %2").arg(m_projectPath, m_captions.lastError());
            m_query.reset();
        }
        if (!m_query && error) *error = why;
        return bool(m_query);
    }

    QString m_projectPath;
    QDir m_dir;
    std::unique_ptr<core::AssetQuery> m_query;
    core::Database m_captions;
};

} // namespace

AssetSourceFactory projectAssetSourceFactory(const QString& projectPath)
{
    return [projectPath] { return std::make_unique<ProjectAssetSource>(projectPath); };
}

QString assetReviewStateName(int state)
{
    switch (state) {
    case core::ReviewNew:
        return QStringLiteral("unreviewed");
    case core::ReviewAccepted:
        return QStringLiteral("accepted");
    case core::ReviewRejected:
        return QStringLiteral("rejected");
    case core::ReviewNeedsFix:
        return QStringLiteral("needs fix");
    default:
        return QStringLiteral("unknown");
    }
}

int assetReviewStateFromName(const QString& name)
{
    for (int s = core::ReviewNew; s <= core::ReviewNeedsFix; ++s)
        if (assetReviewStateName(s) == name) return s;
    return -1;
}

} // namespace loupe::views
