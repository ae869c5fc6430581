// SPDX-License-Identifier: MIT
#include "annotation/geometry/measure.h"
#include "annotation/geometry/shapeindex.h"

#include <QTest>
#include <random>

using namespace loupe::annotation;

namespace {

Shape shape(qint64 id, Geometry g)
{
    Shape s;
    s.id = id;
    s.geometry = std::move(g);
    return s;
}

} // namespace

class TestShapeIndex : public QObject
{
    Q_OBJECT
private slots:
    void topmostWins()
    {
        ShapeIndex idx(16);
        idx.insert(shape(1, RectangleGeom{QRectF(0, 0, 100, 100)}));
        idx.insert(shape(2, RectangleGeom{QRectF(40, 40, 20, 20)}));
        idx.insert(shape(3, PointGeom{QPointF(90, 90)}));
        idx.insert(shape(4, TagGeom{}));
        QCOMPARE(idx.size(), qsizetype(3)); // the tag is not on the image
        QCOMPARE(idx.hitTest(QPointF(50, 50), 0), qint64(2));
        QCOMPARE(idx.hitTest(QPointF(10, 10), 0), qint64(1));
        QCOMPARE(idx.hitTest(QPointF(91, 91), 2), qint64(3));
        QCOMPARE(idx.hitTest(QPointF(200, 200), 2), qint64(0));
        idx.remove(2);
        QCOMPARE(idx.hitTest(QPointF(50, 50), 0), qint64(1));
        idx.update(shape(1, RectangleGeom{QRectF(300, 300, 10, 10)})); // moved, and now on top
        QCOMPARE(idx.hitTest(QPointF(10, 10), 0), qint64(0));
        QCOMPARE(idx.query(QRectF(0, 0, 1000, 1000)), (std::vector<qint64>{3, 1}));
    }
    void matchesBruteForce()
    {
        std::mt19937 rng(5);
        std::uniform_real_distribution<double> u(0, 1000), s(1, 60);
        ShapeIndex idx(32);
        std::vector<Shape> all;
        for (qint64 id = 1; id <= 3000; ++id) {
            const double x = u(rng), y = u(rng), w = s(rng), h = s(rng);
            Geometry g =
                id % 2
                    ? Geometry(RectangleGeom{QRectF(x, y, w, h)})
                    : Geometry(PolygonGeom{QPolygonF({QPointF(x, y), QPointF(x + w, y), QPointF(x, y + h)})});
            all.push_back(shape(id, g));
            idx.insert(all.back());
        }
        for (int q = 0; q < 500; ++q) {
            const QPointF p(u(rng), u(rng));
            qint64 want = 0;
            for (auto it = all.rbegin(); it != all.rend() && !want; ++it)
                if (hitTest(it->geometry, p, 1.5)) want = it->id;
            QCOMPARE(idx.hitTest(p, 1.5), want);
        }
    }
};

QTEST_GUILESS_MAIN(TestShapeIndex)
#include "tst_shape_index.moc"
