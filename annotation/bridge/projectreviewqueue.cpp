// SPDX-License-Identifier: MIT
#include "annotation/bridge/projectreviewqueue.h"

#include "core/store/project.h"

#include <QHash>

namespace loupe::annotation {

std::vector<ReviewItem> projectReviewQueue(const core::Project& project, ReviewOrder order,
                                           const ReviewFilter& filter, ReviewCounts* counts)
{
    // Project::db() is not const, but this only reads.
    core::Database& db = const_cast<core::Project&>(project).db();
    core::Statement s = db.prepare(QStringLiteral(
        "SELECT id, asset_id, label_id, score, review_state, created, source FROM annotations"));
    std::vector<Shape> shapes;
    QHash<qint64, qint64> imageOf;
    if (counts) *counts = {};
    while (s.step()) {
        const qint64 review = s.columnInt64(4);
        if (review < 0 || review > 3) continue; // not a state we know: not ours to review
        Shape sh;
        sh.id = s.columnInt64(0);
        sh.imageId = s.columnInt64(1);
        sh.labelId = s.columnIsNull(2) ? 0 : s.columnInt64(2);
        if (!s.columnIsNull(3)) sh.score = s.columnDouble(3);
        sh.review = ReviewState(review);
        sh.created = QDateTime::fromMSecsSinceEpoch(s.columnInt64(5), Qt::UTC);
        sh.source = shapeSourceFromName(s.columnText(6)).value_or(ShapeSource::Manual);
        if (counts) ++(*counts)[size_t(review)];
        imageOf.insert(sh.id, sh.imageId);
        shapes.push_back(std::move(sh));
    }
    std::vector<ReviewItem> out;
    for (qint64 id : reviewOrder(shapes, order, filter))
        out.push_back({imageOf.value(id), id});
    return out;
}

QList<qint64> imagesWithShapeState(const core::Project& project, ReviewState state)
{
    core::Database& db = const_cast<core::Project&>(project).db();
    // annotations_asset_review (asset_id, review_state) serves this.
    core::Statement s = db.prepare(QStringLiteral(
        "SELECT DISTINCT asset_id FROM annotations WHERE review_state = ?1 ORDER BY asset_id"));
    s.bind(1, int(state));
    QList<qint64> out;
    while (s.step())
        out << s.columnInt64(0);
    return out;
}

} // namespace loupe::annotation
