// SPDX-License-Identifier: MIT
// Import: dedupe by content, EXIF orientation, corrupt/truncated files, unicode paths, 16-bit/RGBA/gray
// images, cancel, and the background ImportJob.
#include "core/import/imagescanner.h"
#include "core/import/importjob.h"
#include "core/store/project.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace loupe::core;

namespace {

QImage pattern(int w, int h, quint32 seed, QImage::Format format = QImage::Format_RGB32)
{
    QImage img(w, h, QImage::Format_RGB32);
    QRandomGenerator rng(seed);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            img.setPixel(x, y, qRgb(int(rng.bounded(256)), (x * 7) & 255, (y * 13) & 255));
    return img.convertToFormat(format);
}

bool writeBytes(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

QByteArray encode(const QImage& img, const char* format)
{
    QByteArray bytes;
    QBuffer b(&bytes);
    b.open(QIODevice::WriteOnly);
    img.save(&b, format);
    return bytes;
}

// A JPEG whose APP1 EXIF segment (spliced right after SOI) says Orientation = 6 (rotate 90° CW).
QByteArray jpegWithOrientation(const QImage& img, quint16 orientation)
{
    QByteArray jpeg = encode(img, "JPG");
    QByteArray tiff;
    tiff += QByteArray("MM\x00\x2a\x00\x00\x00\x08", 8);       // big-endian TIFF header, IFD at 8
    tiff += QByteArray("\x00\x01", 2);                         // one entry
    tiff += QByteArray("\x01\x12\x00\x03\x00\x00\x00\x01", 8); // Orientation, SHORT, count 1
    tiff += char(orientation >> 8);
    tiff += char(orientation & 0xff);
    tiff += QByteArray("\x00\x00", 2);
    tiff += QByteArray("\x00\x00\x00\x00", 4); // no next IFD
    QByteArray app1("\xff\xe1", 2);
    const int len = 2 + 6 + int(tiff.size());
    app1 += char(len >> 8);
    app1 += char(len & 0xff);
    app1 += QByteArray("Exif\x00\x00", 6);
    app1 += tiff;
    jpeg.insert(2, app1);
    return jpeg;
}

std::unique_ptr<Project> newProject(const QTemporaryDir& dir)
{
    QString error;
    auto p = Project::create(QDir(dir.path()).filePath(QStringLiteral("p.loupe")), &error);
    if (!p) qWarning() << error;
    return p;
}

} // namespace

class TestImport : public QObject
{
    Q_OBJECT
private slots:
    void collectsRecursivelyAndSorted()
    {
        QTemporaryDir d;
        const QDir root(d.path());
        QVERIFY(writeBytes(root.filePath(QStringLiteral("b/z.PNG")), encode(pattern(4, 4, 1), "PNG")));
        QVERIFY(writeBytes(root.filePath(QStringLiteral("a.jpeg")), encode(pattern(4, 4, 2), "JPG")));
        QVERIFY(writeBytes(root.filePath(QStringLiteral("b/c/d.TiF")), encode(pattern(4, 4, 3), "TIFF")));
        QVERIFY(writeBytes(root.filePath(QStringLiteral("notes.txt")), "hello"));
        QStringList missing;
        const QStringList files =
            collectImageFiles({d.path(), root.filePath(QStringLiteral("nope"))}, &missing);
        QCOMPARE(files, (QStringList{root.filePath(QStringLiteral("a.jpeg")),
                                     root.filePath(QStringLiteral("b/c/d.TiF")),
                                     root.filePath(QStringLiteral("b/z.PNG"))}));
        QCOMPARE(missing, QStringList{root.filePath(QStringLiteral("nope"))});
    }

    void dedupesByContent()
    {
        QTemporaryDir d;
        auto project = newProject(d);
        QVERIFY(project);
        const QDir root(d.path());
        const QByteArray png = encode(pattern(16, 8, 7), "PNG");
        QVERIFY(writeBytes(root.filePath(QStringLiteral("img/one.png")), png));
        QVERIFY(writeBytes(root.filePath(QStringLiteral("img/two.png")), png));
        QVERIFY(writeBytes(root.filePath(QStringLiteral("img/other.png")), encode(pattern(16, 8, 8), "PNG")));
        ImportReport r = importFiles(*project, {root.filePath(QStringLiteral("img"))});
        QCOMPARE(r.total, 3);
        QCOMPARE(r.added, 2);
        QCOMPARE(r.duplicates, 1);
        QVERIFY(r.failed.isEmpty());
        QCOMPARE(project->countAssets({}), qint64(2));
        // A second import of the same folder adds nothing.
        r = importFiles(*project, {root.filePath(QStringLiteral("img"))});
        QCOMPARE(r.added, 0);
        QCOMPARE(r.duplicates, 3);
        QCOMPARE(project->countAssets({}), qint64(2));
    }

    void appliesExifOrientation()
    {
        QTemporaryDir d;
        const QString path = QDir(d.path()).filePath(QStringLiteral("rotated.jpg"));
        QVERIFY(writeBytes(path, jpegWithOrientation(pattern(40, 20, 3), 6)));
        const ProbeResult p = probeImage(path);
        QVERIFY2(p.record, qPrintable(p.error));
        QCOMPARE(p.record->width, 20);
        QCOMPARE(p.record->height, 40);
        QCOMPARE(p.record->format, QStringLiteral("jpeg"));
        // Orientation 1 keeps the stored size.
        const QString plain = QDir(d.path()).filePath(QStringLiteral("plain.jpg"));
        QVERIFY(writeBytes(plain, jpegWithOrientation(pattern(40, 20, 3), 1)));
        QCOMPARE(probeImage(plain).record->width, 40);

        auto project = newProject(d);
        QVERIFY(project);
        QCOMPARE(importFiles(*project, {path}).added, 1);
        const auto rows = project->assetPage({}, 0, 10);
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows[0].width, 20);
        QCOMPARE(rows[0].height, 40);
    }

    void reportsCorruptAndTruncatedFilesAndImportsTheRest()
    {
        QTemporaryDir d;
        const QDir root(d.path());
        QByteArray noise(3000, '\0');
        QRandomGenerator rng(42);
        for (auto& c : noise)
            c = char(rng.bounded(256));
        QVERIFY(writeBytes(root.filePath(QStringLiteral("in/corrupt.png")), noise));
        const QByteArray png = encode(pattern(64, 64, 5), "PNG");
        QVERIFY(writeBytes(root.filePath(QStringLiteral("in/truncated.png")), png.left(png.size() / 2)));
        QVERIFY(writeBytes(root.filePath(QStringLiteral("in/empty.jpg")), QByteArray()));
        QVERIFY(writeBytes(root.filePath(QStringLiteral("in/good.png")), encode(pattern(9, 9, 1), "PNG")));
        QVERIFY(writeBytes(root.filePath(QStringLiteral("in/good.bmp")), encode(pattern(9, 9, 2), "BMP")));
        QVERIFY(writeBytes(root.filePath(QStringLiteral("in/good.webp")), encode(pattern(9, 9, 4), "WEBP")));
        auto project = newProject(d);
        QVERIFY(project);
        const ImportReport r = importFiles(*project, {root.filePath(QStringLiteral("in"))});
        QCOMPARE(r.total, 6);
        QCOMPARE(r.added, 3);
        QCOMPARE(r.failed.size(), 3);
        QStringList failedNames;
        for (const auto& f : r.failed) {
            failedNames << QFileInfo(f.path).fileName();
            QVERIFY2(f.reason.startsWith(f.path + QStringLiteral(": ")), qPrintable(f.reason));
            QVERIFY(f.reason.size() > f.path.size() + 3);
        }
        failedNames.sort();
        QCOMPARE(failedNames, (QStringList{QStringLiteral("corrupt.png"), QStringLiteral("empty.jpg"),
                                           QStringLiteral("truncated.png")}));
        QCOMPARE(project->countAssets({}), qint64(3));
    }

    void handlesUnicodeAndSpacesInPaths()
    {
        QTemporaryDir d;
        const QString path =
            QDir(d.path()).filePath(QStringLiteral("ünïcødé dir/图像 with spaces/фото 1.png"));
        QVERIFY(writeBytes(path, encode(pattern(12, 10, 9), "PNG")));
        auto project = newProject(d);
        QVERIFY(project);
        const ImportReport r =
            importFiles(*project, {QDir(d.path()).filePath(QStringLiteral("ünïcødé dir"))});
        QCOMPARE(r.added, 1);
        const auto rows = project->assetPage({}, 0, 10);
        QCOMPARE(rows.size(), 1);
        QCOMPARE(QFileInfo(project->absolutePath(rows[0].storedPath)).canonicalFilePath(),
                 QFileInfo(path).canonicalFilePath());
        QCOMPARE(rows[0].width, 12);
    }

    void imports16BitGrayAndRgbaImages()
    {
        QTemporaryDir d;
        const QDir root(d.path());
        const struct
        {
            const char* name;
            QImage::Format format;
            const char* codec;
        } cases[] = {{"rgba64.png", QImage::Format_RGBA64, "PNG"},
                     {"gray16.png", QImage::Format_Grayscale16, "PNG"},
                     {"gray8.png", QImage::Format_Grayscale8, "PNG"},
                     {"rgba.png", QImage::Format_ARGB32, "PNG"},
                     {"gray16.tiff", QImage::Format_Grayscale16, "TIFF"},
                     {"rgba.tif", QImage::Format_ARGB32, "TIFF"}};
        quint32 seed = 100;
        for (const auto& c : cases) {
            QImage img = pattern(21, 13, seed++, c.format);
            QVERIFY(writeBytes(root.filePath(QString::fromLatin1(c.name)), encode(img, c.codec)));
            // The file really is 16-bit where we asked for it.
            if (c.format == QImage::Format_RGBA64 || c.format == QImage::Format_Grayscale16) {
                const QImage back(root.filePath(QString::fromLatin1(c.name)));
                QVERIFY2(back.depth() >= 16, c.name);
            }
        }
        auto project = newProject(d);
        QVERIFY(project);
        const ImportReport r = importFiles(*project, {d.path()});
        for (const auto& f : r.failed)
            qWarning() << f.reason;
        QCOMPARE(r.failed.size(), 0);
        QCOMPARE(r.added, int(std::size(cases)));
        for (const AssetRow& row : project->assetPage({}, 0, 100)) {
            QCOMPARE(row.width, 21);
            QCOMPARE(row.height, 13);
        }
    }

    void cancelStopsBetweenBatches()
    {
        QTemporaryDir d;
        const QDir root(d.path());
        for (int i = 0; i < 12; ++i)
            QVERIFY(writeBytes(root.filePath(QStringLiteral("in/%1.png").arg(i)),
                               encode(pattern(6, 6, quint32(i + 500)), "PNG")));
        auto project = newProject(d);
        QVERIFY(project);
        std::atomic<bool> cancel{false};
        const ImportReport r = importFiles(
            *project, {root.filePath(QStringLiteral("in"))},
            [&cancel](int done, int) {
                if (done > 0) cancel = true;
            },
            &cancel, 3);
        QVERIFY(r.canceled);
        QCOMPARE(r.added, 3);
        QCOMPARE(project->countAssets({}), qint64(3));
    }

    void backgroundJobReportsProgressAndFinishes()
    {
        QTemporaryDir d;
        const QDir root(d.path());
        for (int i = 0; i < 5; ++i)
            QVERIFY(writeBytes(root.filePath(QStringLiteral("in/%1.png").arg(i)),
                               encode(pattern(6, 6, quint32(i + 900)), "PNG")));
        QVERIFY(writeBytes(root.filePath(QStringLiteral("in/bad.png")), "not a png"));
        QString error;
        const QString path = QDir(d.path()).filePath(QStringLiteral("p.loupe"));
        QVERIFY(Project::create(path, &error));
        // The GUI's connection stays open while the job writes through its own.
        auto project = Project::open(path, &error);
        QVERIFY2(project, qPrintable(error));
        ImportJob job(path);
        QSignalSpy progress(&job, &ImportJob::progress);
        QSignalSpy finished(&job, &ImportJob::finished);
        job.start({root.filePath(QStringLiteral("in"))});
        QVERIFY(finished.wait(20000));
        const auto report = finished.at(0).at(0).value<ImportReport>();
        QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
        QCOMPARE(report.added, 5);
        QCOMPARE(report.failed.size(), 1);
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last().at(0).toInt(), 6);
        QCOMPARE(project->countAssets({}), qint64(5));  // the GUI's connection sees the rows
    }
};

QTEST_GUILESS_MAIN(TestImport)
#include "tst_import.moc"
