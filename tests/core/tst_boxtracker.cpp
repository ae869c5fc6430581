// SPDX-License-Identifier: MIT
// Frame-to-frame trackers on a synthetic sequence (a square moving 3 px per frame): OpenCV's MIL
// tracker follows the box; the SAM refiner keeps a mask per frame from the previous mask, embedding
// each frame once for all its tracks. The golden SAM is tiny and random, so its masks are not judged.
#include "common/movingsquare.h"
#include "common/testsupport.h"
#include "core/inference/boxtracker.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace loupe::core;
using loupe::test::MovingSquare;

namespace {

QImage squareMask(int frame)
{
    QImage m(MovingSquare::kWidth, MovingSquare::kHeight, QImage::Format_Grayscale8);
    m.fill(0);
    QPainter(&m).fillRect(MovingSquare::squareAt(frame), Qt::white);
    return m;
}

} // namespace

class TestBoxTracker : public QObject
{
    Q_OBJECT

private slots:
    void openCvFollowsTheSquare()
    {
        if (!openCvTrackerAvailable()) {
            QString error;
            QVERIFY(!makeOpenCvTracker({}, &error));
            QVERIFY2(error.contains(QLatin1String("without OpenCV video")), qPrintable(error));
            QSKIP("built without OpenCV video");
        }
        QString error;
        std::unique_ptr<BoxTracker> t = makeOpenCvTracker({}, &error);
        QVERIFY2(t, qPrintable(error));
        QCOMPARE(t->init(MovingSquare::frame(0), MovingSquare::squareAt(0)), QString());
        TrackStep step;
        for (int i = 1; i < 10; ++i) {
            step = t->update(MovingSquare::frame(i));
            QVERIFY2(!step.lost, qPrintable(QStringLiteral("frame %1: %2").arg(i).arg(step.reason)));
            QVERIFY(step.confidence >= 0 && step.confidence <= 1);
        }
        const double overlap = loupe::test::iou(step.box, MovingSquare::squareAt(9));
        QVERIFY2(overlap >= 0.7, qPrintable(QStringLiteral("IoU %1 at the last frame").arg(overlap)));
    }

    void openCvRefusesAnEmptyBox()
    {
        if (!openCvTrackerAvailable()) QSKIP("built without OpenCV video");
        QString error;
        std::unique_ptr<BoxTracker> t = makeOpenCvTracker({}, &error);
        const QString why = t->init(MovingSquare::frame(0), QRectF(500, 500, 10, 10));
        QVERIFY2(why.contains(QLatin1String("inside the 160x120 frame")), qPrintable(why));
    }

    void samKeepsAMaskPerFrameAndEmbedsEachFrameOnce()
    {
        auto model = SamCheckpoint::open(loupe::test::goldenDir(QStringLiteral("sam_segment")));
        auto frames = std::make_shared<SamFrames>(model);
        // One track from a mask, one from a box alone (SAM segments the box on the first frame).
        std::unique_ptr<BoxTracker> fromMask = makeSamTracker(frames, SamTrackOptions::permissive());
        std::unique_ptr<BoxTracker> fromBox = makeSamTracker(frames, SamTrackOptions::permissive());
        const QImage first = MovingSquare::frame(0);
        QCOMPARE(fromMask->init(first, MovingSquare::squareAt(0), squareMask(0)), QString());
        QCOMPARE(frames->embedCount(), 0); // a known mask needs no embedding of its own frame
        QCOMPARE(fromBox->init(first, MovingSquare::squareAt(0)), QString());
        QCOMPARE(frames->embedCount(), 1);
        for (int i = 1; i < 10; ++i) {
            const QImage image = MovingSquare::frame(i);
            for (BoxTracker* t : {fromMask.get(), fromBox.get()}) {
                const TrackStep step = t->update(image);
                QVERIFY2(!step.lost, qPrintable(QStringLiteral("frame %1: %2").arg(i).arg(step.reason)));
                QCOMPARE(step.mask.size(), image.size());
                QVERIFY(!step.box.isEmpty());
                QVERIFY(step.confidence > -1 && step.confidence < 2);
            }
        }
        QCOMPARE(frames->embedCount(), 10);
    }

    void samLosesTheObjectBelowItsIouThreshold()
    {
        auto frames = std::make_shared<SamFrames>(
            SamCheckpoint::open(loupe::test::goldenDir(QStringLiteral("sam_segment"))));
        SamTrackOptions strict;
        strict.minIou = 1.5; // no prediction reaches it
        std::unique_ptr<BoxTracker> t = makeSamTracker(frames, strict);
        QCOMPARE(t->init(MovingSquare::frame(0), MovingSquare::squareAt(0), squareMask(0)), QString());
        const TrackStep step = t->update(MovingSquare::frame(1));
        QVERIFY(step.lost);
        QVERIFY(step.mask.isNull());
        QVERIFY2(step.reason.contains(QLatin1String("predicted IoU")) ||
                     step.reason.contains(QLatin1String("no object")),
                 qPrintable(step.reason));
    }

    void samRefusesAMaskOfAnotherSize()
    {
        auto frames = std::make_shared<SamFrames>(
            SamCheckpoint::open(loupe::test::goldenDir(QStringLiteral("sam_segment"))));
        std::unique_ptr<BoxTracker> t = makeSamTracker(frames);
        QImage small(10, 10, QImage::Format_Grayscale8);
        small.fill(255);
        const QString why = t->init(MovingSquare::frame(0), QRectF(0, 0, 10, 10), small);
        QVERIFY2(why.contains(QLatin1String("10x10")) && why.contains(QLatin1String("160x120")),
                 qPrintable(why));
    }

    void innermostPointIsTheCentreOfASquare()
    {
        const std::optional<QPointF> p = innermostPoint(squareMask(0));
        QVERIFY(p);
        const QPointF centre = QRectF(MovingSquare::squareAt(0)).center();
        QVERIFY2(std::abs(p->x() - centre.x()) <= 1.5 && std::abs(p->y() - centre.y()) <= 1.5,
                 qPrintable(QStringLiteral("%1,%2").arg(p->x()).arg(p->y())));
        QImage empty(8, 8, QImage::Format_Grayscale8);
        empty.fill(0);
        QVERIFY(!innermostPoint(empty));
    }
};

QTEST_GUILESS_MAIN(TestBoxTracker)
#include "tst_boxtracker.moc"
