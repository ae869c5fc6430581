// SPDX-License-Identifier: MIT
#include "annotation/formats/imagematch.h"

#include <QTest>

using namespace loupe::annotation;

namespace {

Dataset withImages(const QStringList& paths)
{
    Dataset d;
    for (const QString& p : paths) {
        DatasetImage im;
        im.path = p;
        d.images.push_back(im);
    }
    return d;
}

} // namespace

class TestImageMatch : public QObject
{
    Q_OBJECT
private slots:
    void pathThenUniqueName()
    {
        const QStringList project = {QStringLiteral("train/a.jpg"), QStringLiteral("train/b.jpg"),
                                     QStringLiteral("val/b.jpg"), QStringLiteral("c.png")};
        const Dataset d = withImages({QStringLiteral("./train/a.jpg"), QStringLiteral("default/c.png"),
                                      QStringLiteral("other/b.jpg"), QStringLiteral("val/b.jpg"),
                                      QStringLiteral("zzz.jpg")});
        FormatReport r;
        const ImageMatch m = matchImages(project, d, QStringLiteral("ann.json"), r);
        QCOMPARE(m.projectIndex, (std::vector<int>{0, 3, -1, 2, -1}));
        QCOMPARE(m.byPath, 2);
        QCOMPARE(m.byName, 1);
        QCOMPARE(m.ambiguous, 1);
        QCOMPARE(m.unmatched, 1);
        QVERIFY(!r.hasErrors());
        QCOMPARE(r.droppedCount(QStringLiteral("image")), qsizetype(2));
        QCOMPARE(r.warnings().size(), size_t(2));
        QCOMPARE(r.warnings()[1].place, QStringLiteral("zzz.jpg"));
    }
    void twoFilesForOneImageIsAnError()
    {
        const Dataset d = withImages({QStringLiteral("x/a.jpg"), QStringLiteral("y/a.jpg")});
        FormatReport r;
        const ImageMatch m = matchImages({QStringLiteral("a.jpg")}, d, QStringLiteral("dir"), r);
        QVERIFY(r.hasErrors());
        QCOMPARE(m.projectIndex[0], 0);
        QCOMPARE(m.projectIndex[1], -1);
        QVERIFY(r.errors()[0].message.contains(QLatin1String("both match")));
    }
};

QTEST_GUILESS_MAIN(TestImageMatch)
#include "tst_image_match.moc"
