// SPDX-License-Identifier: MIT
#include "annotation/store/shaperow.h"
#include "sampledataset.h"

#include <QTest>

using namespace loupe::annotation;

class TestShapeRow : public QObject
{
    Q_OBJECT
private slots:
    void everyKindRoundTrips()
    {
        const auto sample = test::sampleDataset();
        int n = 0;
        for (Shape s : sample.images[0].shapes) {
            s.id = ++n;
            s.imageId = 77;
            s.source = n % 2 ? ShapeSource::Model : ShapeSource::Manual;
            s.score = n % 2 ? std::optional<double>(0.25 * n) : std::nullopt;
            s.runId = n % 2 ? 5 : 0;
            s.review = ReviewState(n % 4);
            s.created = QDateTime::fromMSecsSinceEpoch(1700000000000 + n, Qt::UTC);
            s.updated = s.created.addSecs(n);
            QString err;
            const auto back = fromRow(toRow(s), &err);
            QVERIFY2(back.has_value(), qPrintable(err));
            QVERIFY(*back == s);
        }
        QCOMPARE(n, 9);
    }
    void refusesWhatItCannotRead()
    {
        Shape s;
        s.geometry = RectangleGeom{QRectF(0, 0, 1, 1)};
        ShapeRow r = toRow(s);
        QString err;
        r.kind = QStringLiteral("polygon");
        QVERIFY(!fromRow(r, &err));
        QVERIFY(err.contains(QLatin1String("rectangle geometry")));
        r = toRow(s);
        r.review = QStringLiteral("maybe");
        QVERIFY(!fromRow(r, &err));
        r = toRow(s);
        r.attributes = "[1]";
        QVERIFY(!fromRow(r, &err));
        r = toRow(s);
        r.geometry = R"({"v":9,"type":"rectangle"})";
        QVERIFY(!fromRow(r, &err));
        QVERIFY(err.contains(QLatin1String("newer")));
    }
};

QTEST_GUILESS_MAIN(TestShapeRow)
#include "tst_shape_row.moc"
