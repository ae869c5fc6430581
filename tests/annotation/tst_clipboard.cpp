// SPDX-License-Identifier: MIT
#include "annotation/commands/addshapes.h"
#include "annotation/document/clipboard.h"
#include "annotation/geometry/raster.h"

#include <QTest>

using namespace loupe::annotation;

class TestClipboard : public QObject
{
    Q_OBJECT
private slots:
    void pasteOntoAnotherImage()
    {
        Shape r;
        r.id = 5;
        r.imageId = 1;
        r.labelId = 3;
        r.geometry = RectangleGeom{QRectF(1, 2, 3, 4)};
        r.attributes = {{QStringLiteral("color"), QStringLiteral("red")},
                        {QStringLiteral("review_comment"), QStringLiteral("x")}};
        r.source = ShapeSource::Model;
        r.score = 0.4;
        r.review = ReviewState::Accepted;
        Shape m;
        m.imageId = 1;
        m.labelId = 2;
        m.geometry = MaskGeom{polygonToMask(QPolygonF(QRectF(8, 8, 4, 4)), 12, 12)}; // bottom-right corner
        const QByteArray payload = shapesToClipboard({r, m});

        QString err;
        const auto pasted = shapesFromClipboard(payload, 9, 10, 10, QPointF(1, 1), &err);
        QVERIFY2(pasted.has_value(), qPrintable(err));
        QCOMPARE(pasted->size(), size_t(2));
        const Shape& p = (*pasted)[0];
        QCOMPARE(p.id, qint64(0));
        QCOMPARE(p.imageId, qint64(9));
        QCOMPARE(p.labelId, qint64(3));
        QCOMPARE(std::get<RectangleGeom>(p.geometry).rect, QRectF(2, 3, 3, 4));
        QCOMPARE(p.source, ShapeSource::Manual);
        QVERIFY(!p.score);
        QCOMPARE(p.review, ReviewState::New);
        QCOMPARE(p.attributes, (QJsonObject{{QStringLiteral("color"), QStringLiteral("red")}}));
        // The mask moved by (1,1) onto a 10 x 10 image: only pixel (9,9) of its 4x4 block remains.
        const RleMask& pm = std::get<MaskGeom>((*pasted)[1].geometry).mask;
        QCOMPARE(pm.width(), 10);
        QCOMPARE(pm.area(), qint64(1));
        QVERIFY(pm.contains(9, 9));
        // Far off the image, the mask is left out rather than pasted empty.
        const auto off = shapesFromClipboard(payload, 9, 10, 10, QPointF(50, 50), &err);
        QCOMPARE(off->size(), size_t(1));
        QVERIFY(!shapesFromClipboard("garbage", 9, 10, 10, {}, &err));
        // And it is ready for the document.
        MemoryAnnotationStore store;
        AnnotationDocument doc(store);
        doc.undoStack()->push(new AddShapes(doc, *pasted));
        QCOMPARE(store.shapesOf(9).size(), size_t(2));
    }
};

QTEST_GUILESS_MAIN(TestClipboard)
#include "tst_clipboard.moc"
