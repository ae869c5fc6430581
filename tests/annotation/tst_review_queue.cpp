// SPDX-License-Identifier: MIT
#include "annotation/review/reviewqueue.h"

#include <QTest>

using namespace loupe::annotation;

namespace {

Shape make(qint64 id, qint64 label, std::optional<double> score, int createdSec,
           ReviewState r = ReviewState::New)
{
    Shape s;
    s.id = id;
    s.labelId = label;
    s.score = score;
    s.source = score ? ShapeSource::Model : ShapeSource::Manual;
    s.created = QDateTime::fromSecsSinceEpoch(1700000000 + createdSec, Qt::UTC);
    s.review = r;
    s.geometry = PointGeom{};
    return s;
}

} // namespace

class TestReviewQueue : public QObject
{
    Q_OBJECT
private slots:
    void orders()
    {
        const std::vector<Shape> shapes{make(1, 2, 0.9, 10),
                                        make(2, 1, std::nullopt, 30),
                                        make(3, 1, 0.2, 20),
                                        make(4, 2, 0.2, 40),
                                        make(5, 1, 0.5, 5, ReviewState::Accepted),
                                        make(6, 2, std::nullopt, 50)};
        QCOMPARE(reviewOrder(shapes, ReviewOrder::LowestScoreFirst), (std::vector<qint64>{3, 4, 1, 2, 6}));
        QCOMPARE(reviewOrder(shapes, ReviewOrder::NewestFirst), (std::vector<qint64>{6, 4, 2, 3, 1}));
        QCOMPARE(reviewOrder(shapes, ReviewOrder::ByLabel), (std::vector<qint64>{3, 2, 4, 1, 6}));
        ReviewFilter onlyModelLabel2;
        onlyModelLabel2.labelId = 2;
        onlyModelLabel2.source = ShapeSource::Model;
        QCOMPARE(reviewOrder(shapes, ReviewOrder::LowestScoreFirst, onlyModelLabel2),
                 (std::vector<qint64>{4, 1}));
        ReviewFilter all;
        all.state.reset();
        QCOMPARE(reviewOrder(shapes, ReviewOrder::LowestScoreFirst, all).size(), size_t(6));
        const ReviewCounts c = countByReviewState(shapes);
        QCOMPARE(c[size_t(ReviewState::New)], qsizetype(5));
        QCOMPARE(c[size_t(ReviewState::Accepted)], qsizetype(1));
        QCOMPARE(c[size_t(ReviewState::NeedsFix)], qsizetype(0));
    }
};

QTEST_GUILESS_MAIN(TestReviewQueue)
#include "tst_review_queue.moc"
