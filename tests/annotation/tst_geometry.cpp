// SPDX-License-Identifier: MIT
#include "annotation/geometry/measure.h"
#include "annotation/geometry/raster.h"
#include "annotation/shapes/geometryjson.h"

#include <QTest>
#include <random>

using namespace loupe::annotation;

class TestGeometry : public QObject
{
    Q_OBJECT
private slots:
    void shoelaceArea()
    {
        // The AnyLabeling bug summed absolute terms; a 10x10 square must give 100 either way round.
        const QPolygonF sq({QPointF(0, 0), QPointF(10, 0), QPointF(10, 10), QPointF(0, 10)});
        QCOMPARE(area(PolygonGeom{sq}), 100.0);
        QPolygonF rev(sq.rbegin(), sq.rend());
        QCOMPARE(area(PolygonGeom{rev}), 100.0);
        QCOMPARE(signedArea(sq), 100.0);
        QCOMPARE(signedArea(rev), -100.0);
        // L shape: 3x3 minus 2x2 corner = 5.
        const QPolygonF l(
            {QPointF(0, 0), QPointF(1, 0), QPointF(1, 2), QPointF(3, 2), QPointF(3, 3), QPointF(0, 3)});
        QCOMPARE(area(PolygonGeom{l}), 5.0);
        QCOMPARE(area(RectangleGeom{QRectF(1, 1, 4, 2.5)}), 10.0);
        QCOMPARE(area(PolylineGeom{sq}), 0.0);
    }
    void boundingBoxes()
    {
        QCOMPARE(boundingBox(RectangleGeom{QRectF(5, 5, -2, -3)}), QRectF(3, 2, 2, 3));
        RotatedRectGeom r{QPointF(10, 10), 4, 2, 90};
        const QRectF b = boundingBox(r);
        QVERIFY(qAbs(b.width() - 2) < 1e-9 && qAbs(b.height() - 4) < 1e-9);
        QVERIFY(qAbs(b.center().x() - 10) < 1e-9);
        KeypointsGeom k{{{"a", QPointF(1, 2), 2}, {"b", QPointF(9, 9), 0}, {"c", QPointF(4, 6), 1}}, {}};
        QCOMPARE(boundingBox(k), QRectF(1, 2, 3, 4)); // unlabelled (v=0) points do not count
        QVERIFY(boundingBox(TagGeom{}).isNull());
    }
    void hitTests()
    {
        const PolygonGeom tri{QPolygonF({QPointF(0, 0), QPointF(10, 0), QPointF(0, 10)})};
        QVERIFY(hitTest(tri, QPointF(2, 2), 0));
        QVERIFY(!hitTest(tri, QPointF(6, 6), 0));
        QVERIFY(hitTest(tri, QPointF(6, 6), 1.5)); // the hypotenuse is ~1.41 away
        const PolylineGeom line{QPolygonF({QPointF(0, 0), QPointF(10, 0)})};
        QVERIFY(hitTest(line, QPointF(5, 0.9), 1));
        QVERIFY(!hitTest(line, QPointF(5, 1.1), 1));
        QVERIFY(!hitTest(line, QPointF(11.5, 0), 1));
        QVERIFY(hitTest(PointGeom{QPointF(3, 4)}, QPointF(3, 6), 2));
        QVERIFY(!hitTest(PointGeom{QPointF(3, 4)}, QPointF(3, 6.1), 2));
        const RotatedRectGeom rr{QPointF(0, 0), 10, 2, 90}; // now tall and thin
        QVERIFY(hitTest(rr, QPointF(0, 4), 0));
        QVERIFY(!hitTest(rr, QPointF(4, 0), 0));
        QVERIFY(hitTest(RectangleGeom{QRectF(0, 0, 4, 4)}, QPointF(4.5, 2), 0.5));
        MaskGeom m{
            polygonToMask(QPolygonF({QPointF(2, 2), QPointF(4, 2), QPointF(4, 4), QPointF(2, 4)}), 8, 8)};
        QVERIFY(hitTest(m, QPointF(3, 3), 0));
        QVERIFY(!hitTest(m, QPointF(6, 6), 0));
        QVERIFY(hitTest(m, QPointF(4.8, 3), 1));
        QVERIFY(!hitTest(m, QPointF(5.2, 3), 1)); // 1.2 from the mask's edge
    }
    void rasteriseUsesPixelCentres()
    {
        // A polygon from (1,1) to (3,3) covers pixel centres 1.5 and 2.5 on each axis: 4 pixels.
        const RleMask m =
            polygonToMask(QPolygonF({QPointF(1, 1), QPointF(3, 1), QPointF(3, 3), QPointF(1, 3)}), 5, 4);
        QCOMPARE(m.area(), qint64(4));
        QCOMPARE(m.boundingBox(), QRect(1, 1, 2, 2));
        // A triangle: centres strictly inside the half-plane x + y < 4 on a 4x4 grid.
        const RleMask t = polygonToMask(QPolygonF({QPointF(0, 0), QPointF(4, 0), QPointF(0, 4)}), 4, 4);
        QCOMPARE(t.area(), qint64(6)); // rows: 3 + 2 + 1 + 0
    }
    void outlineRoundTrips()
    {
        std::mt19937 rng(3);
        for (int iter = 0; iter < 100; ++iter) {
            const int w = 2 + int(rng() % 12), h = 2 + int(rng() % 12);
            std::vector<uint8_t> px(size_t(w) * h);
            for (auto& p : px)
                p = rng() % 2;
            const RleMask m = RleMask::fromBitmap(px.data(), w, h);
            const MaskOutline o = maskToPolygons(m);
            // Outer areas minus holes give the pixel count; rasterising each loop gives the mask back.
            double a = 0;
            std::vector<uint8_t> back(px.size(), 0);
            for (const QPolygonF& p : o.outer) {
                a += signedArea(p);
                const auto r = polygonToMask(p, w, h).toBitmap();
                for (size_t i = 0; i < back.size(); ++i)
                    back[i] |= r[i];
            }
            for (const QPolygonF& p : o.holes) {
                a += signedArea(p);
                const auto r = polygonToMask(p, w, h).toBitmap();
                for (size_t i = 0; i < back.size(); ++i)
                    if (r[i]) back[i] = 0;
            }
            QCOMPARE(a, double(m.area()));
            QCOMPARE(back, px);
        }
        // A 2x2 block is one square with four vertices.
        std::vector<uint8_t> sq{0, 0, 0, 0, 1, 1, 0, 1, 1};
        const MaskOutline o = maskToPolygons(RleMask::fromBitmap(sq.data(), 3, 3));
        QCOMPARE(int(o.outer.size()), 1);
        QCOMPARE(o.outer[0].size(), 4);
        QVERIFY(o.holes.empty());
    }
    void brushAndEraser()
    {
        RleMask m(10, 10);
        paintStroke(m, QPointF(2.5, 5.5), QPointF(7.5, 5.5), 0.5, true);
        QCOMPARE(m.area(), qint64(6)); // centres 2.5 .. 7.5 on row 5
        paintStroke(m, QPointF(5.5, 5.5), QPointF(5.5, 5.5), 0.1, false);
        QCOMPARE(m.area(), qint64(5));
        QVERIFY(!m.contains(5, 5));
        paintStroke(m, QPointF(5, 5), QPointF(5, 5), 100, false); // radius past the edges is clipped
        QVERIFY(m.isEmpty());
    }
    void brushMatchesPixelReference()
    {
        // The span-based brush against painting pixel by pixel.
        std::mt19937 rng(11);
        std::uniform_real_distribution<double> u(-3, 23), rr(0.2, 5);
        for (int iter = 0; iter < 300; ++iter) {
            const int w = 20, h = 15;
            std::vector<uint8_t> px(size_t(w) * h);
            for (auto& p : px)
                p = rng() % 3 == 0;
            RleMask m = RleMask::fromBitmap(px.data(), w, h);
            const QPointF a(u(rng), u(rng)), b(u(rng), u(rng));
            const double r = rr(rng);
            const bool set = rng() % 2;
            paintStroke(m, a, b, r, set);
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x)
                    if (distanceToSegment(QPointF(x + 0.5, y + 0.5), a, b) <= r) px[size_t(y) * w + x] = set;
            QCOMPARE(m, RleMask::fromBitmap(px.data(), w, h));
        }
    }
    void translation()
    {
        const auto moved = translated(PolygonGeom{QPolygonF({QPointF(0, 0), QPointF(1, 1)})}, QPointF(2, 3));
        QCOMPARE(std::get<PolygonGeom>(moved).points[1], QPointF(3, 4));
        RleMask m(4, 4);
        paintStroke(m, QPointF(0.5, 0.5), QPointF(0.5, 0.5), 0.1, true);
        const auto mm = translated(MaskGeom{m}, QPointF(2.2, 1));
        QVERIFY(std::get<MaskGeom>(mm).mask.contains(2, 1));
        QCOMPARE(std::get<MaskGeom>(mm).mask.area(), qint64(1));
    }
    void maskTranslationMatchesPixelReference()
    {
        std::mt19937 rng(21);
        for (int iter = 0; iter < 200; ++iter) {
            const int w = 1 + int(rng() % 15), h = 1 + int(rng() % 12);
            std::vector<uint8_t> px(size_t(w) * h);
            for (auto& p : px)
                p = rng() % 2;
            const int dx = int(rng() % 21) - 10, dy = int(rng() % 17) - 8;
            std::vector<uint8_t> want(px.size(), 0);
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x)
                    if (x - dx >= 0 && x - dx < w && y - dy >= 0 && y - dy < h)
                        want[size_t(y) * w + x] = px[size_t(y - dy) * w + (x - dx)];
            const auto moved = translated(MaskGeom{RleMask::fromBitmap(px.data(), w, h)}, QPointF(dx, dy));
            QCOMPARE(std::get<MaskGeom>(moved).mask, RleMask::fromBitmap(want.data(), w, h));
        }
    }
    void geometryJsonRoundTrip()
    {
        RleMask m(5, 3);
        paintStroke(m, QPointF(1, 1), QPointF(4, 2), 0.8, true);
        const std::vector<Geometry> all{
            RectangleGeom{QRectF(1.5, 2, 3, 4)},
            RotatedRectGeom{QPointF(5, 6), 7, 8, 33.5},
            PolygonGeom{QPolygonF({QPointF(0, 0), QPointF(1, 0.25), QPointF(0.5, 2)})},
            PolylineGeom{QPolygonF({QPointF(0, 0), QPointF(9, 9)})},
            PointGeom{QPointF(-1, 2)},
            KeypointsGeom{{{"nose", QPointF(1, 2), 2}, {"eye", QPointF(0, 0), 0}}, QRectF(0, 0, 5, 5)},
            MaskGeom{m},
            TagGeom{},
            CaptionGeom{QStringLiteral("a cat on a mat — «quoted»")},
        };
        QCOMPARE(int(all.size()), kShapeKindCount);
        for (const Geometry& g : all) {
            QString err;
            const auto back = geometryFromBytes(geometryToBytes(g), &err);
            QVERIFY2(back.has_value(), qPrintable(err));
            QVERIFY(*back == g);
        }
        QCOMPARE(geometryToBytes(RectangleGeom{QRectF(1, 2, 3, 4)}),
                 QByteArray(R"({"box":[1,2,3,4],"type":"rectangle","v":1})"));
    }
    void geometryJsonRejectsBadInput()
    {
        QString err;
        QVERIFY(!geometryFromBytes(R"({"v":2,"type":"rectangle","box":[0,0,1,1]})", &err));
        QVERIFY(err.contains(QLatin1String("newer")));
        QVERIFY(!geometryFromBytes(R"({"v":1,"type":"blob"})", &err));
        QVERIFY(!geometryFromBytes(R"({"v":1,"type":"polygon","points":[1,2,3]})", &err));
        QVERIFY(!geometryFromBytes(R"({"v":1,"type":"mask","width":2,"height":2,"runs":"5"})", &err));
        QVERIFY(!geometryFromBytes(R"({"v":1,"type":"keypoints","keypoints":[{"x":1,"y":1,"visibility":3}]})",
                                   &err));
        QVERIFY(!geometryFromBytes("{not json", &err));
    }
};

QTEST_GUILESS_MAIN(TestGeometry)
#include "tst_geometry.moc"
