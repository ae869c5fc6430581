// SPDX-License-Identifier: MIT
// Thumbnails: made in the background, EXIF applied, at most 256 px, cached in the project so that a
// fresh cache on the reopened project serves them without the source images.
#include "core/import/importjob.h"
#include "core/store/project.h"
#include "core/thumbnails/thumbnailcache.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace loupe::core;

class TestThumbnails : public QObject
{
    Q_OBJECT
private slots:
    void makesScaledThumbnailsAndCachesThemInTheProject()
    {
        QTemporaryDir d;
        const QDir root(d.path());
        QImage wide(1000, 400, QImage::Format_RGB32);
        wide.fill(Qt::darkCyan);
        QVERIFY(QDir().mkpath(root.filePath(QStringLiteral("in"))));
        QVERIFY(wide.save(root.filePath(QStringLiteral("in/wide.png"))));
        QImage small(30, 50, QImage::Format_ARGB32);
        small.fill(QColor(255, 0, 0, 128));
        QVERIFY(small.save(root.filePath(QStringLiteral("in/small.png"))));
        const QString projectPath = root.filePath(QStringLiteral("p.loupe"));
        QString error;
        {
            auto project = Project::create(projectPath, &error);
            QVERIFY2(project, qPrintable(error));
            QCOMPARE(importFiles(*project, {root.filePath(QStringLiteral("in"))}).added, 2);
        }
        auto project = Project::open(projectPath, &error);
        QVERIFY2(project, qPrintable(error));
        const auto rows = project->assetPage({}, 0, 10);
        QCOMPARE(rows.size(), 2);
        QHash<qint64, QSize> expected;
        for (const auto& r : rows)
            expected[r.id] = r.width == 1000 ? QSize(256, 102) : QSize(30, 50);

        {
            ThumbnailCache cache(projectPath);
            QSignalSpy ready(&cache, &ThumbnailCache::ready);
            for (const auto& r : rows)
                QVERIFY(cache.request(r.id).isNull()); // nothing cached yet
            QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 2, 20000);
            for (const auto& args : ready) {
                const qint64 id = args.at(0).toLongLong();
                QCOMPARE(args.at(1).value<QImage>().size(), expected.value(id));
            }
            // Now served from memory at once.
            QCOMPARE(cache.request(rows[0].id).size(), expected.value(rows[0].id));
        }
        // Stored in the project: a new cache on the reopened project serves them even when the
        // source images are gone.
        for (const auto& r : rows) {
            QVERIFY(!project->thumbnail(r.id).isEmpty());
            QVERIFY(QFile::remove(project->absolutePath(r.storedPath)));
        }
        project.reset();
        ThumbnailCache again(projectPath);
        QSignalSpy ready(&again, &ThumbnailCache::ready);
        QSignalSpy failed(&again, &ThumbnailCache::failed);
        for (const auto& r : rows)
            again.request(r.id);
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 2, 20000);
        QCOMPARE(failed.size(), 0);
        for (const auto& args : ready)
            QCOMPARE(args.at(1).value<QImage>().size(), expected.value(args.at(0).toLongLong()));
    }

    void appliesExifOrientationAndReportsFailures()
    {
        QTemporaryDir d;
        const QDir root(d.path());
        // Orientation 6 in an EXIF APP1 segment spliced after SOI: 600x300 stored, 300x600 shown.
        QImage img(600, 300, QImage::Format_RGB32);
        img.fill(Qt::yellow);
        QByteArray jpeg;
        {
            QBuffer b(&jpeg);
            b.open(QIODevice::WriteOnly);
            QVERIFY(img.save(&b, "JPG"));
        }
        const QByteArray app1 = QByteArray::fromHex("ffe10022457869660000" // APP1, length 34, "Exif\0\0"
                                                    "4d4d002a00000008"     // big-endian TIFF header, IFD at 8
                                                    "0001"
                                                    "011200030000000100060000" // one entry: Orientation = 6
                                                    "00000000");
        jpeg.insert(2, app1);
        const QString path = root.filePath(QStringLiteral("rot.jpg"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(jpeg);
        f.close();
        QCOMPARE(ThumbnailCache::makeThumbnail(path).size(), QSize(128, 256));

        QString error;
        const QString projectPath = root.filePath(QStringLiteral("p.loupe"));
        auto project = Project::create(projectPath, &error);
        QVERIFY2(project, qPrintable(error));
        ThumbnailCache cache(projectPath);
        QSignalSpy failed(&cache, &ThumbnailCache::failed);
        cache.request(12345); // no such asset
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 10000);
        QVERIFY(!failed.at(0).at(1).toString().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestThumbnails)
#include "tst_thumbnails.moc"
