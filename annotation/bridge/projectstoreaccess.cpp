// SPDX-License-Identifier: MIT
#include "annotation/bridge/projectstoreaccess.h"

#include "annotation/bridge/labeldefinitions.h"
#include "annotation/store/shaperow.h"
#include "core/store/project.h"

#include <QColor>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <algorithm>

namespace loupe::annotation {

namespace {

// A stable, distinct colour for a label the import creates, so re-importing gives the same colours.
QColor colorFor(const QString& name)
{
    return QColor::fromHsv(int(qHash(name) % 360u), 200, 230);
}

int reviewColumn(ReviewState r)
{
    return static_cast<int>(r); // ReviewState and core::ReviewState share 0..3
}

ReviewState reviewFromColumn(qint64 v)
{
    return v >= 0 && v <= 3 ? static_cast<ReviewState>(v) : ReviewState::New;
}

} // namespace

QString ProjectStoreAccess::imageRoot() const
{
    if (m_root.isEmpty()) images();
    return m_root;
}

std::vector<ProjectImage> ProjectStoreAccess::images() const
{
    std::vector<ProjectImage> out = storedImages();
    // Images may live outside the project's folder (stored absolute). Exports mirror paths under the
    // root, so the root is the deepest folder holding every image, never "/" plus a full path.
    QStringList absolute;
    absolute.reserve(qsizetype(out.size()));
    QString root;
    for (const ProjectImage& im : out) {
        absolute << QDir::cleanPath(m_project.absolutePath(im.path));
        const QString dir = QFileInfo(absolute.back()).absolutePath();
        if (root.isNull()) {
            root = dir;
            continue;
        }
        while (root != dir &&
               !dir.startsWith(root.endsWith(QLatin1Char('/')) ? root : root + QLatin1Char('/'))) {
            const QString up = QFileInfo(root).absolutePath();
            if (up == root) break;
            root = up;
        }
    }
    if (root.isNull()) root = QFileInfo(m_project.path()).absolutePath();
    m_root = root;
    const QDir rootDir(root);
    for (size_t i = 0; i < out.size(); ++i)
        out[i].path = rootDir.relativeFilePath(absolute[qsizetype(i)]);
    return out;
}

std::vector<ProjectImage> ProjectStoreAccess::storedImages() const
{
    std::vector<ProjectImage> out;
    const core::AssetFilter all;
    const qint64 total = m_project.countAssets(all);
    out.reserve(size_t(total));
    constexpr int kPage = 4096;
    for (qint64 offset = 0; offset < total; offset += kPage) {
        const QVector<core::AssetRow> page = m_project.assetPage(all, offset, kPage);
        if (page.isEmpty()) break;
        for (const core::AssetRow& a : page)
            out.push_back({a.id, a.storedPath, a.width, a.height, a.split});
    }
    return out;
}

std::vector<LabelDef> ProjectStoreAccess::labels() const
{
    // With the editor's definitions, so exports carry keypoint names, skeletons and attribute specs.
    return readProjectLabels(m_project);
}

std::vector<Shape> ProjectStoreAccess::shapesOf(qint64 imageId) const
{
    std::vector<Shape> out;
    core::Statement s = m_project.db().prepare(
        QStringLiteral("SELECT id, asset_id, label_id, kind, geometry, attributes, source, run_id, score, "
                       "review_state, created, updated FROM annotations WHERE asset_id = ?1 ORDER BY z, id"));
    s.bind(1, imageId);
    while (s.step()) {
        ShapeRow r;
        r.id = s.columnInt64(0);
        r.assetId = s.columnInt64(1);
        r.labelId = s.columnIsNull(2) ? 0 : s.columnInt64(2);
        r.kind = s.columnText(3);
        r.geometry = s.columnText(4).toUtf8();
        r.attributes = s.columnText(5).toUtf8();
        r.source = s.columnText(6);
        r.runId = s.columnIsNull(7) ? 0 : s.columnInt64(7);
        if (!s.columnIsNull(8)) r.score = s.columnDouble(8);
        r.review = reviewStateName(reviewFromColumn(s.columnInt64(9)));
        r.createdMs = s.columnInt64(10);
        r.updatedMs = s.columnInt64(11);
        QString error;
        if (auto shape = fromRow(r, &error))
            out.push_back(std::move(*shape));
        else
            m_shapeErrors << error;
    }
    return out;
}

bool ProjectStoreAccess::importShapes(const std::vector<ImportItem>& items, QString* error)
{
    if (items.empty()) return true;
    QHash<QString, qint64> labelIds;
    int nextOrder = 0;
    for (const core::Label& l : m_project.labels()) {
        labelIds.insert(l.name, l.id);
        nextOrder = std::max(nextOrder, l.order + 1);
    }
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    return m_project.edit(
        QStringLiteral("Import %1 Annotations").arg(items.size()),
        [&](core::Database& db) {
            core::Statement addLabel = db.prepare(
                QStringLiteral("INSERT INTO labels(name, color, hotkey, ord) VALUES(?1, ?2, '', ?3)"));
            core::Statement add = db.prepare(QStringLiteral(
                "INSERT INTO annotations(asset_id, label_id, kind, geometry, attributes, source, run_id, "
                "score, "
                "review_state, created, updated) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"));
            if (!addLabel.isValid() || !add.isValid()) return false;
            for (const ImportItem& item : items) {
                qint64 labelId = 0;
                if (!item.label.isEmpty()) {
                    auto it = labelIds.constFind(item.label);
                    if (it == labelIds.constEnd()) {
                        addLabel.reset();
                        addLabel.bind(1, item.label)
                            .bind(2, colorFor(item.label).name())
                            .bind(3, nextOrder++);
                        if (!addLabel.run()) return false;
                        it = labelIds.insert(item.label, db.lastInsertId());
                    }
                    labelId = *it;
                }
                const ShapeRow r = toRow(item.shape);
                add.reset();
                add.bind(1, item.shape.imageId);
                if (labelId)
                    add.bind(2, labelId);
                else
                    add.bindNull(2);
                add.bind(3, r.kind)
                    .bind(4, QString::fromUtf8(r.geometry))
                    .bind(5, QString::fromUtf8(r.attributes));
                add.bind(6, r.source);
                if (r.runId)
                    add.bind(7, r.runId);
                else
                    add.bindNull(7);
                if (r.score)
                    add.bind(8, *r.score);
                else
                    add.bindNull(8);
                add.bind(9, reviewColumn(item.shape.review))
                    .bind(10, r.createdMs ? r.createdMs : nowMs)
                    .bind(11, r.updatedMs ? r.updatedMs : nowMs);
                if (!add.run()) return false;
            }
            return true;
        },
        error);
}

} // namespace loupe::annotation
