// SPDX-License-Identifier: MIT
// The project-wide review queue: shapes of every image in one order (score, label, state), the
// session walking it across images and naming each shape's image, verdicts moving it on; and the
// images-by-shape-state query the browser's filter uses.
#include "annotation/bridge/projectannotations.h"
#include "annotation/bridge/projectreviewqueue.h"
#include "annotation/commands/addshapes.h"
#include "core/store/project.h"
#include "views/review/reviewsession.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe;
using namespace loupe::annotation;
using loupe::views::ReviewSession;

namespace {

Shape scored(qint64 image, qint64 label, std::optional<double> score)
{
    Shape s;
    s.imageId = image;
    s.labelId = label;
    s.geometry = RectangleGeom{QRectF(0, 0, 5, 5)};
    s.score = score;
    s.source = score ? ShapeSource::Model : ShapeSource::Manual;
    return s;
}

} // namespace

class TestReviewProjectQueue : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void queueSpansImagesInOrder()
    {
        QString error;
        auto p = core::Project::create(m_dir.filePath(QStringLiteral("q.loupe")), &error);
        QVERIFY2(p, qPrintable(error));
        QVector<core::AssetRecord> assets(3);
        for (int i = 0; i < 3; ++i) {
            assets[i].absolutePath = m_dir.filePath(QStringLiteral("%1.png").arg(i));
            assets[i].sha256Hex = QString(64, QLatin1Char('a' + i));
            assets[i].width = assets[i].height = 10;
        }
        QVERIFY(p->addAssets(assets, &error));
        const auto page = p->assetPage({}, 0, 3);
        const qint64 i1 = page[0].id, i2 = page[1].id, i3 = page[2].id;
        const qint64 cat = p->addLabel({0, QStringLiteral("cat"), Qt::red, {}, 0}).value_or(0);
        const qint64 dog = p->addLabel({0, QStringLiteral("dog"), Qt::blue, {}, 1}).value_or(0);
        ProjectAnnotations pa(*p);
        auto* add =
            new AddShapes(*pa.document(), {scored(i1, dog, 0.8), scored(i2, cat, 0.1), scored(i1, cat, 0.4),
                                           scored(i2, dog, std::nullopt), scored(i1, dog, 0.6)});
        pa.undoStack()->push(add);
        std::vector<qint64> id;
        for (const Shape& s : add->shapes())
            id.push_back(s.id);

        // Lowest score first across images; hand-drawn last.
        ReviewFilter all;
        all.state.reset();
        auto q = projectReviewQueue(*p, ReviewOrder::LowestScoreFirst, all);
        QCOMPARE(q,
                 (std::vector<ReviewItem>{{i2, id[1]}, {i1, id[2]}, {i1, id[4]}, {i1, id[0]}, {i2, id[3]}}));
        q = projectReviewQueue(*p, ReviewOrder::ByLabel, all);
        QCOMPARE(q,
                 (std::vector<ReviewItem>{{i2, id[1]}, {i1, id[2]}, {i1, id[4]}, {i1, id[0]}, {i2, id[3]}}));

        // The session in project scope walks it and names the image of each shape.
        ReviewSession session(pa);
        QSignalSpy selected(&session, &ReviewSession::shapeSelected);
        session.setImage(i3); // shown image with no shapes: the queue still spans the project
        session.setScope(ReviewSession::Scope::Project);
        QCOMPARE(session.queue().size(), size_t(5));
        QCOMPARE(selected.last().at(0).toLongLong(), i2);
        QCOMPARE(selected.last().at(1).toLongLong(), id[1]);
        QVERIFY(session.review(ReviewState::NeedsFix));
        QCOMPARE(session.currentShape(), id[2]);
        QCOMPARE(selected.last().at(0).toLongLong(), i1);
        QVERIFY(session.review(ReviewState::Accepted));
        QCOMPARE(session.counts()[size_t(ReviewState::New)], 3);
        QCOMPARE(session.counts()[size_t(ReviewState::NeedsFix)], 1);

        // By state: needs fix first, then new (lowest score first), then accepted.
        q = projectReviewQueue(*p, ReviewOrder::ByState, all);
        QCOMPARE(q,
                 (std::vector<ReviewItem>{{i2, id[1]}, {i1, id[4]}, {i1, id[0]}, {i2, id[3]}, {i1, id[2]}}));

        // The browser's shape-state filter.
        QCOMPARE(imagesWithShapeState(*p, ReviewState::NeedsFix), QList<qint64>{i2});
        QCOMPARE(imagesWithShapeState(*p, ReviewState::New), (QList<qint64>{i1, i2}));
        QVERIFY(imagesWithShapeState(*p, ReviewState::Rejected).isEmpty());
        pa.undoStack()->undo(); // the accept
        pa.undoStack()->undo(); // the needs fix
        QVERIFY(imagesWithShapeState(*p, ReviewState::NeedsFix).isEmpty());
        QCOMPARE(session.queue().size(), size_t(5)); // the session followed the undo
    }
};

QTEST_MAIN(TestReviewProjectQueue)
#include "tst_review_project_queue.moc"
