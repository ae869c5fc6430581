// SPDX-License-Identifier: MIT
// Videos imported as frames: every Nth frame a PNG in the project folder and an asset with its sequence
// and frame number; batches, cancel and resume; clear errors for files that are not (whole) videos.
#include "core/import/importjob.h"
#include "core/import/videoimport.h"
#include "core/import/videotestclip.h"
#include "core/store/project.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe::core;

namespace {

QList<qint64> frameNumbers(const Project& p, const QString& sequence)
{
    QList<qint64> out;
    for (const SequenceFrame& f : p.sequenceFrames(SequenceKey{sequence, {}}))
        out << (f.frame ? *f.frame : -1);
    return out;
}

QList<qint64> range(qint64 from, qint64 to, qint64 step = 1)
{
    QList<qint64> out;
    for (qint64 i = from; i < to; i += step)
        out << i;
    return out;
}

// Which test-video frame an image shows, read from its background colour; -1 when none matches.
int frameShown(const QImage& image, int frames)
{
    const QColor c = image.pixelColor(1, 1);
    for (int i = 0; i < frames; ++i) {
        int r = 0, g = 0, b = 0;
        testVideoBackground(i, &r, &g, &b);
        if (std::abs(c.red() - r) < 12 && std::abs(c.green() - g) < 12 && std::abs(c.blue() - b) < 12)
            return i;
    }
    return -1;
}

} // namespace

class TestVideoImport : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_projects = 0;

    std::unique_ptr<Project> newProject()
    {
        QString error;
        const QString dir = m_dir.filePath(QStringLiteral("p%1").arg(++m_projects));
        QDir().mkpath(dir);
        auto p = Project::create(dir + QStringLiteral("/project.loupe"), &error);
        if (!p) qWarning() << error;
        return p;
    }

    QString video(const QString& name, int frames)
    {
        const QString path = m_dir.filePath(name);
        QDir().mkpath(QFileInfo(path).absolutePath());
        QString error;
        if (!QFile::exists(path) && !writeTestVideo(path, frames, QSize(64, 48), 10, &error))
            qWarning() << error;
        return path;
    }

private slots:
    void initTestCase()
    {
        if (!hasVideoSupport()) QSKIP("this build has no video support (OpenCV videoio)");
    }

    void everyFrameInOrder()
    {
        auto p = newProject();
        QVERIFY(p);
        const QString clip = video(QStringLiteral("clip.avi"), 12);
        QList<int> seen;
        const ImportReport r = importVideo(*p, clip, {}, [&](int done, int total) { seen << done << total; });
        QVERIFY2(r.failed.isEmpty(), qPrintable(r.failed.value(0).reason));
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.total, 12);
        QCOMPARE(r.added, 12);
        QCOMPARE(seen.last(), 12);
        QCOMPARE(frameNumbers(*p, QStringLiteral("clip")), range(0, 12));
        const QVector<SequenceFrame> frames = p->sequenceFrames(SequenceKey{QStringLiteral("clip"), {}});
        QCOMPARE(frames[7].storedPath, QStringLiteral("frames/clip/frame_000007.png"));
        const QImage seventh(p->absolutePath(frames[7].storedPath));
        QCOMPARE(seventh.size(), QSize(64, 48));
        QCOMPARE(frameShown(seventh, 12), 7);
        const std::optional<AssetRow> row = p->asset(frames[7].assetId);
        QCOMPARE(row->frame, std::optional<qint64>(7));
        QCOMPARE(row->sequence, QStringLiteral("clip"));
        // Frame stepping walks the video.
        QCOMPARE(p->neighbourFrame(frames[7].assetId, 1), std::optional<qint64>(frames[8].assetId));
        QCOMPARE(p->sequencePosition(frames[7].assetId)->count, 12);
        // The same video again adds nothing.
        const ImportReport again = importVideo(*p, clip);
        QCOMPARE(again.added, 0);
        QCOMPARE(again.duplicates, 12);
        QVERIFY(again.failed.isEmpty());
    }

    void everyNthFrame()
    {
        auto p = newProject();
        QVERIFY(p);
        VideoImportOptions every5;
        every5.stride = 5;
        const ImportReport r = importVideo(*p, video(QStringLiteral("clip.avi"), 12), every5);
        QCOMPARE(r.total, 3);
        QCOMPARE(r.added, 3);
        QCOMPARE(frameNumbers(*p, QStringLiteral("clip")), (QList<qint64>{0, 5, 10}));
        const QImage tenth(p->absolutePath(QStringLiteral("frames/clip/frame_000010.png")));
        QCOMPARE(frameShown(tenth, 12), 10);
    }

    // An import stopped after its first batch (cancelled here; a kill leaves the same committed
    // batches) continues where it stopped, and a frame file written but never committed is replaced.
    void resumesAfterAStop()
    {
        auto p = newProject();
        QVERIFY(p);
        const QString clip = video(QStringLiteral("clip.avi"), 12);
        std::atomic<bool> cancel{false};
        VideoImportOptions small;
        small.batchSize = 4;
        const ImportReport first = importVideo(
            *p, clip, small, [&](int done, int) { cancel = done >= 4; }, &cancel);
        QVERIFY(first.canceled);
        QCOMPARE(first.added, 4);
        QCOMPARE(frameNumbers(*p, QStringLiteral("clip")), range(0, 4));
        const QString orphan =
            QFileInfo(p->path()).absoluteDir().filePath(QStringLiteral("frames/clip/frame_000005.png"));
        {
            QFile f(orphan);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("half a PNG");
        }
        const ImportReport rest = importVideo(*p, clip, small);
        QVERIFY(!rest.canceled);
        QVERIFY2(rest.failed.isEmpty(), qPrintable(rest.failed.value(0).reason));
        QCOMPARE(rest.added, 8);
        QCOMPARE(rest.duplicates, 4);
        QCOMPARE(frameNumbers(*p, QStringLiteral("clip")), range(0, 12));
        QFile f(orphan);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString sha =
            QString::fromLatin1(QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex());
        QVERIFY(p->containsSha256(sha));
        QCOMPARE(frameShown(QImage(orphan), 12), 5);
    }

    // A static scene gives identical frames; each is still its own asset (the store keeps one asset per
    // content hash, so the frame's PNG carries its sequence and number).
    void identicalFramesAllKept()
    {
        auto p = newProject();
        QVERIFY(p);
        const QString still = m_dir.filePath(QStringLiteral("still.avi"));
        QString error;
        QVERIFY2(writeTestVideo(still, 5, QSize(32, 24), 10, &error, true), qPrintable(error));
        const ImportReport r = importVideo(*p, still);
        QCOMPARE(r.added, 5);
        QCOMPARE(r.duplicates, 0);
        QCOMPARE(frameNumbers(*p, QStringLiteral("still")), range(0, 5));
        const QVector<SequenceFrame> frames = p->sequenceFrames(SequenceKey{QStringLiteral("still"), {}});
        QCOMPARE(QImage(p->absolutePath(frames[0].storedPath)),
                 QImage(p->absolutePath(frames[4].storedPath)));
    }

    void sameNameOtherVideo()
    {
        auto p = newProject();
        QVERIFY(p);
        QCOMPARE(importVideo(*p, video(QStringLiteral("clip.avi"), 12)).added, 12);
        QCOMPARE(importVideo(*p, video(QStringLiteral("other/clip.avi"), 4)).added, 4);
        QCOMPARE(p->sequenceNames(), (QStringList{QStringLiteral("clip"), QStringLiteral("clip-2")}));
        QCOMPARE(frameNumbers(*p, QStringLiteral("clip-2")), range(0, 4));
    }

    void badFilesNamed()
    {
        auto p = newProject();
        QVERIFY(p);
        const QString missing = m_dir.filePath(QStringLiteral("missing.mp4"));
        ImportReport r = importVideo(*p, missing);
        QCOMPARE(r.failed.size(), 1);
        QVERIFY2(r.failed[0].reason.startsWith(missing) &&
                     r.failed[0].reason.contains(QLatin1String("no such file")),
                 qPrintable(r.failed[0].reason));

        const QString junk = m_dir.filePath(QStringLiteral("junk.mp4"));
        {
            QFile f(junk);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray(4096, 'x'));
        }
        r = importVideo(*p, junk);
        QCOMPARE(r.failed.size(), 1);
        QVERIFY2(r.failed[0].reason.startsWith(junk) &&
                     r.failed[0].reason.contains(QLatin1String("not a video")),
                 qPrintable(r.failed[0].reason));
        QCOMPARE(r.added, 0);

        // Cut off mid-file: the frames before the cut are kept and the cut is reported.
        QFile whole(video(QStringLiteral("long.avi"), 40));
        QVERIFY(whole.open(QIODevice::ReadOnly));
        const QString cut = m_dir.filePath(QStringLiteral("cut.avi"));
        {
            QFile f(cut);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(whole.read(whole.size() / 2));
        }
        r = importVideo(*p, cut);
        QCOMPARE(r.failed.size(), 1);
        QVERIFY2(r.failed[0].reason.startsWith(cut) &&
                     r.failed[0].reason.contains(QLatin1String("of the 40")),
                 qPrintable(r.failed[0].reason));
        QVERIFY(r.added > 0 && r.added < 40);
        QCOMPARE(frameNumbers(*p, QStringLiteral("cut")), range(0, r.added));
    }

    // importFiles (the CLI's and the GUI's import) sends videos to the frame import and images to the
    // image import, in one report.
    void importFilesDispatches()
    {
        auto p = newProject();
        QVERIFY(p);
        const QString images = m_dir.filePath(QStringLiteral("images"));
        QDir().mkpath(images);
        QImage img(8, 8, QImage::Format_RGB32);
        img.fill(Qt::red);
        QVERIFY(img.save(images + QStringLiteral("/a.png")));
        // An image named explicitly with an extension that says nothing stays an image, though FFmpeg
        // would open it as a video of one frame.
        const QString still = m_dir.filePath(QStringLiteral("still.dat"));
        QImage green(8, 8, QImage::Format_RGB32);
        green.fill(Qt::green);
        QVERIFY(green.save(still, "PNG"));
        // A video with an extension that says nothing is still found by opening it.
        const QString odd = m_dir.filePath(QStringLiteral("odd.video"));
        QFile::remove(odd);
        QVERIFY(QFile::copy(video(QStringLiteral("clip.avi"), 12), odd));
        const ImportReport r = importFiles(*p, {images, still, video(QStringLiteral("clip.avi"), 12), odd},
                                           {}, nullptr, kImportBatchSize, 4);
        QVERIFY2(r.failed.isEmpty(), qPrintable(r.failed.value(0).reason));
        QCOMPARE(r.added, 2 + 3 + 3);
        QCOMPARE(r.total, 2 + 3 + 3);
        QVERIFY(p->sequenceNames().contains(QStringLiteral("odd")));
        QVERIFY(!p->sequenceNames().contains(QStringLiteral("still")));
        QCOMPARE(frameNumbers(*p, QStringLiteral("clip")), (QList<qint64>{0, 4, 8}));
        QCOMPARE(frameNumbers(*p, QStringLiteral("odd")), (QList<qint64>{0, 4, 8}));
    }
};

QTEST_GUILESS_MAIN(TestVideoImport)
#include "tst_video_import.moc"
