// SPDX-License-Identifier: MIT
#include "annotation/dataset/labelfilter.h"
#include "sampledataset.h"

#include <QTest>

using namespace loupe::annotation;
using namespace loupe::annotation::test;

class TestLabelFilter : public QObject
{
    Q_OBJECT
private slots:
    void keepsAndRenumbers()
    {
        Dataset d = sampleDataset(); // labels cat, dog, person, indoor
        FormatReport r;
        QVERIFY(keepLabels(d, {QStringLiteral("person"), QStringLiteral("cat")}, r));
        QCOMPARE(d.labels.size(), size_t(2));
        QCOMPARE(d.labels[0].name, QStringLiteral("person"));
        QCOMPARE(d.labels[0].keypointNames.size(), 3);
        // cat: rectangle, rotated rectangle, point; person: keypoints; the caption stays.
        QCOMPARE(d.images[0].shapes.size(), size_t(5));
        QCOMPARE(ofKind(d.images[0], ShapeKind::Keypoints)[0].labelId, qint64(0));
        QCOMPARE(ofKind(d.images[0], ShapeKind::Rectangle)[0].labelId, qint64(1));
        QCOMPARE(ofKind(d.images[0], ShapeKind::Caption).size(), size_t(1));
        QCOMPARE(r.droppedCount(QStringLiteral("polygon")), qsizetype(1)); // the dog's
        QCOMPARE(r.droppedCount(QStringLiteral("tag")), qsizetype(1));
    }
    void unknownLabelIsAnError()
    {
        Dataset d = sampleDataset();
        FormatReport r;
        QVERIFY(!keepLabels(d, {QStringLiteral("cat"), QStringLiteral("unicorn")}, r));
        QCOMPARE(r.errors().front().place, QStringLiteral("unicorn"));
        QCOMPARE(d.labels.size(), size_t(4)); // untouched
    }
};

QTEST_GUILESS_MAIN(TestLabelFilter)
#include "tst_label_filter.moc"
