// SPDX-License-Identifier: MIT
// A quick in-process cousin of the fuzz targets: every reader on thousands of random mutations of valid
// files must return (accept or report), and whatever it accepts must export again.
#include "annotation/formats/coco.h"
#include "annotation/formats/cvat.h"
#include "annotation/formats/labelme.h"
#include "annotation/formats/voc.h"
#include "sampledataset.h"

#include <QTest>
#include <random>

using namespace loupe::annotation;

namespace {

QByteArray mutate(const QByteArray& in, std::mt19937& rng)
{
    QByteArray b = in;
    const int edits = 1 + int(rng() % 4);
    static const char interesting[] = "{}[]<>\",:;-0123456789e.\\/ \n\x00\xff";
    for (int e = 0; e < edits && !b.isEmpty(); ++e) {
        const qsizetype at = qsizetype(rng() % size_t(b.size()));
        switch (rng() % 4) {
        case 0:
            b[at] = interesting[rng() % (sizeof interesting - 1)];
            break;
        case 1:
            b.remove(at, qsizetype(1 + rng() % 8));
            break;
        case 2:
            b.insert(at, b.mid(qsizetype(rng() % size_t(b.size())), qsizetype(1 + rng() % 16)));
            break;
        case 3:
            b.truncate(at);
            break;
        }
    }
    return b;
}

} // namespace

class TestReaderRobustness : public QObject
{
    Q_OBJECT
private slots:
    void mutatedInputs()
    {
        // Seeds: our own exports of a dataset with every shape kind (masks, keypoints, tags included).
        const Dataset sample = test::sampleDataset();
        FormatReport seedReport;
        struct Case
        {
            QByteArray seed;
            std::function<bool(const QByteArray&, Dataset&, FormatReport&)> parse;
        };
        const std::vector<Case> cases{
            {coco::instancesJson(sample, seedReport),
             [](const QByteArray& b, Dataset& d, FormatReport& r) {
                 return coco::parse(b, QStringLiteral("x.json"), d, r);
             }},
            {voc::annotationXml(sample, sample.images[0], seedReport),
             [](const QByteArray& b, Dataset& d, FormatReport& r) {
                 return voc::parse(b, QStringLiteral("x.xml"), QString(), d, r);
             }},
            {labelme::imageJson(sample, sample.images[0], seedReport),
             [](const QByteArray& b, Dataset& d, FormatReport& r) {
                 return labelme::parse(b, QStringLiteral("x.json"), QString(), d, r);
             }},
            {cvat::annotationsXml(sample, seedReport),
             [](const QByteArray& b, Dataset& d, FormatReport& r) {
                 return cvat::parse(b, QStringLiteral("x.xml"), d, r);
             }},
        };
        std::mt19937 rng(12345);
        for (const Case& c : cases) {
            const QByteArray& seed = c.seed;
            QVERIFY(!seed.isEmpty());
            Dataset d0;
            FormatReport r0;
            QVERIFY2(c.parse(seed, d0, r0), qPrintable(r0.toText())); // the unmutated file reads
            int accepted = 0, rejected = 0;
            for (int i = 0; i < 1500; ++i) {
                Dataset d;
                FormatReport r;
                const bool ok = c.parse(mutate(seed, rng), d, r);
                // A reader that fails says why; one that succeeds has no errors.
                QCOMPARE(ok, !r.hasErrors());
                if (ok) {
                    ++accepted;
                    FormatReport out;
                    QVERIFY(!coco::instancesJson(d, out).isEmpty());
                } else {
                    ++rejected;
                    QVERIFY(!r.errors().front().file.isEmpty());
                }
            }
            QVERIFY(rejected > 0);
            qInfo("%s...: %d accepted, %d rejected", seed.left(20).simplified().constData(), accepted,
                  rejected);
        }
    }
};

QTEST_GUILESS_MAIN(TestReaderRobustness)
#include "tst_reader_robustness.moc"
