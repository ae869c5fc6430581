// SPDX-License-Identifier: MIT
// The click-to-mask session: with the golden tiny SAM its masks are the ones `loupe segment` writes
// (transformers' masks, same pixel rule and IoU), the image is embedded once however many clicks follow,
// prefetch embeds ahead, a model change drops the cache; without a model GrabCut finds a clear square.
#include "common/testsupport.h"
#include "compute/error.h"
#include "compute/io/safetensors.h"
#include "core/inference/segmenter.h"

#include <QFile>
#include <QPainter>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using namespace loupe::core;

namespace {

// Pixels where `mask` and expected masks.<prompt>[index] of the golden case disagree.
int64_t differingPixels(const QImage& mask, const QString& dir, int prompt, int index)
{
    if (mask.size() != QSize(320, 320)) return -1;
    const auto expected =
        loupe::compute::SafetensorsFile::open((dir + QStringLiteral("/expected.safetensors")).toStdString());
    const auto* e = static_cast<const uint8_t*>(expected.tensor("masks." + std::to_string(prompt)).data);
    int64_t differ = 0;
    for (int y = 0; y < 320; ++y)
        for (int x = 0; x < 320; ++x)
            differ += (mask.constScanLine(y)[x] > 127) != (e[index * 320 * 320 + y * 320 + x] != 0);
    return differ;
}

double iou(const QImage& a, const QImage& b)
{
    int64_t inter = 0, uni = 0;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x) {
            const bool p = a.constScanLine(y)[x] > 127, q = b.constScanLine(y)[x] > 127;
            inter += p && q;
            uni += p || q;
        }
    return uni ? double(inter) / double(uni) : 0;
}

SegmentPrompt click(double x, double y, int label = 1)
{
    SegmentPrompt p;
    p.points = {QPointF(x, y)};
    p.labels = {label};
    return p;
}

} // namespace

class TestSegmenter : public QObject
{
    Q_OBJECT
    QString dir_;
    QTemporaryDir tmp_;

    // A textured background with a flat square: what GrabCut must separate.
    QString squareImage(QRect* square)
    {
        QImage img(240, 200, QImage::Format_RGB888);
        for (int y = 0; y < img.height(); ++y)
            for (int x = 0; x < img.width(); ++x)
                img.setPixelColor(x, y,
                                  QColor(40 + (x * 7 + y * 3) % 50, 90 + (x * y) % 40, 60 + (y * 5) % 30));
        *square = QRect(80, 60, 80, 70);
        QPainter(&img).fillRect(*square, QColor(230, 200, 20));
        const QString path = tmp_.filePath(QStringLiteral("square.png"));
        img.save(path);
        return path;
    }

private slots:
    void initTestCase()
    {
        dir_ = loupe::test::goldenDir(QStringLiteral("sam_segment"));
        QVERIFY(tmp_.isValid());
    }

    void samMasksMatchLoupeSegment()
    {
        Segmenter s;
        s.setModel(SamCheckpoint::open(dir_));
        QCOMPARE(s.engine(), SegmentResult::Engine::Sam);
        const QString input = dir_ + QStringLiteral("/input.png");

        // The prompts and numbers of tests/app/tst_cli_segment.cpp: the best-rated mask of each.
        SegmentResult r = s.segment(input, click(95, 190));
        QVERIFY2(r.ok(), qPrintable(r.error));
        QCOMPARE(r.engine, SegmentResult::Engine::Sam);
        QVERIFY(std::fabs(r.score - 0.57048) < 1e-4);
        QVERIFY(differingPixels(r.mask, dir_, 0, 0) >= 0 && differingPixels(r.mask, dir_, 0, 0) <= 102);

        SegmentPrompt two = click(95, 190);
        two.points.append(QPointF(200, 280));
        two.labels.append(0);
        r = s.segment(input, two);
        QVERIFY2(r.ok(), qPrintable(r.error));
        QVERIFY(std::fabs(r.score - 0.298129) < 1e-4);
        QVERIFY(differingPixels(r.mask, dir_, 1, 0) <= 102);

        SegmentPrompt box;
        box.box = QRectF(QPointF(10, 100), QPointF(230, 260));
        r = s.segment(input, box);
        QVERIFY2(r.ok(), qPrintable(r.error));
        QVERIFY(std::fabs(r.score - 0.699582) < 1e-4);
        QVERIFY(differingPixels(r.mask, dir_, 2, 0) <= 102);

        // Three prompts, one embedding.
        QCOMPARE(s.embedCount(), 1);
    }

    void cacheFollowsModelAndFile()
    {
        Segmenter s;
        const auto model = SamCheckpoint::open(dir_);
        s.setModel(model);
        const QString copy = tmp_.filePath(QStringLiteral("copy.png"));
        QVERIFY(QFile::copy(dir_ + QStringLiteral("/input.png"), copy));
        QVERIFY(s.segment(copy, click(95, 190)).ok());
        QVERIFY(s.segment(copy, click(120, 150)).ok());
        QCOMPARE(s.embedCount(), 1);

        // Prefetch embeds ahead: the click afterwards costs no embedding.
        s.prefetch({dir_ + QStringLiteral("/input.png")});
        s.waitForPrefetch();
        QCOMPARE(s.embedCount(), 2);
        QVERIFY(s.segment(dir_ + QStringLiteral("/input.png"), click(95, 190)).ok());
        QCOMPARE(s.embedCount(), 2);

        // A new model invalidates every embedding.
        s.setModel(model);
        QVERIFY(s.segment(copy, click(95, 190)).ok());
        QCOMPARE(s.embedCount(), 3);

        // So does a file rewritten in place (a newer modification time).
        QFile f(copy);
        QVERIFY(f.open(QIODevice::ReadWrite));
        f.setFileTime(f.fileTime(QFileDevice::FileModificationTime).addSecs(5),
                      QFileDevice::FileModificationTime);
        f.close();
        QVERIFY(s.segment(copy, click(95, 190)).ok());
        QCOMPARE(s.embedCount(), 4);
    }

    void leastRecentlyUsedImageIsDropped()
    {
        Segmenter s;
        s.setModel(SamCheckpoint::open(dir_));
        QStringList paths;
        for (int i = 0; i <= Segmenter::kCacheSize; ++i) {
            paths << tmp_.filePath(QStringLiteral("lru%1.png").arg(i));
            QVERIFY(QFile::copy(dir_ + QStringLiteral("/input.png"), paths.last()));
        }
        for (int i = 0; i < Segmenter::kCacheSize; ++i)
            QVERIFY(s.segment(paths[i], click(95, 190)).ok());
        QVERIFY(s.segment(paths[0], click(95, 190)).ok()); // 0 is now the most recent
        QCOMPARE(s.embedCount(), Segmenter::kCacheSize);
        QVERIFY(s.segment(paths.last(), click(95, 190)).ok()); // evicts 1
        QVERIFY(s.segment(paths[0], click(95, 190)).ok());
        QCOMPARE(s.embedCount(), Segmenter::kCacheSize + 1);
        QVERIFY(s.segment(paths[1], click(95, 190)).ok());
        QCOMPARE(s.embedCount(), Segmenter::kCacheSize + 2);
    }

    void grabCutFindsASquare()
    {
        if (!Segmenter::grabCutAvailable()) QSKIP("built without OpenCV imgproc");
        QRect square;
        const QString path = squareImage(&square);
        QImage truth(240, 200, QImage::Format_Grayscale8);
        truth.fill(0);
        QPainter(&truth).fillRect(square, Qt::white);

        Segmenter s; // no model
        QCOMPARE(s.engine(), SegmentResult::Engine::GrabCut);
        SegmentPrompt box;
        box.box = QRectF(square.adjusted(-15, -12, 15, 12));
        SegmentResult r = s.segment(path, box);
        QVERIFY2(r.ok(), qPrintable(r.error));
        QCOMPARE(r.engine, SegmentResult::Engine::GrabCut);
        QCOMPARE(r.mask.size(), QSize(240, 200));
        QVERIFY2(iou(r.mask, truth) > 0.9, qPrintable(QString::number(iou(r.mask, truth))));

        r = s.segment(path, click(120, 95));
        QVERIFY2(r.ok(), qPrintable(r.error));
        QVERIFY2(iou(r.mask, truth) > 0.9, qPrintable(QString::number(iou(r.mask, truth))));
        QCOMPARE(s.embedCount(), 0);

        // Pixels already decoded (the canvas's) need no file behind their name.
        r = s.segment(tmp_.filePath(QStringLiteral("never-saved.png")), QImage(path), box);
        QVERIFY2(r.ok(), qPrintable(r.error));
        QVERIFY(iou(r.mask, truth) > 0.9);
    }

    void badInputIsNamed()
    {
        Segmenter s;
        const QString missing = tmp_.filePath(QStringLiteral("missing.png"));
        const SegmentResult r = s.segment(missing, click(1, 1));
        QVERIFY(!r.ok());
        QVERIFY2(r.error.contains(missing), qPrintable(r.error));
        QVERIFY(!s.segment(missing, SegmentPrompt{}).ok());
        try {
            SamCheckpoint::open(tmp_.path());
            QFAIL("a folder without a checkpoint opened");
        } catch (const loupe::compute::Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(tmp_.path()), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestSegmenter)
#include "tst_segmenter.moc"
