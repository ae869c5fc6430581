// SPDX-License-Identifier: MIT
// Import of files that are not what they claim: a huge sparse file named .tif among good images, images
// above the pixel limit (refused from the header, the same way import and inference refuse them), a
// 48-megapixel photo above Qt's default 128 MB decode limit (accepted by both), half-written JPEG and
// PNG files (refused as truncated), unreadable files, and a FIFO named .jpg.
#include "core/imageend.h"
#include "core/imageio.h"
#include "core/import/imagescanner.h"
#include "core/import/importjob.h"
#include "core/store/project.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QImageReader>
#include <QTemporaryDir>
#include <QtEndian>
#include <QtTest>
#include <sys/stat.h>

using namespace loupe::core;

namespace {

bool writeBytes(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

QByteArray encode(const QImage& img, const char* format, int quality = -1)
{
    QByteArray bytes;
    QBuffer b(&bytes);
    b.open(QIODevice::WriteOnly);
    img.save(&b, format, quality);
    return bytes;
}

QImage noise(int w, int h, quint32 seed)
{
    QImage img(w, h, QImage::Format_RGB32);
    quint32 s = seed;
    for (int y = 0; y < h; ++y) {
        auto* line = reinterpret_cast<QRgb*>(img.scanLine(y));
        for (int x = 0; x < w; ++x) {
            s = s * 1664525u + 1013904223u;
            line[x] = 0xff000000u | (s >> 8);
        }
    }
    return img;
}

quint32 crc32(const QByteArray& data)
{
    quint32 c = 0xffffffffu;
    for (char ch : data) {
        c ^= quint8(ch);
        for (int k = 0; k < 8; ++k)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return c ^ 0xffffffffu;
}

QByteArray pngChunk(const char* type, const QByteArray& data)
{
    QByteArray out(4, '\0');
    qToBigEndian<quint32>(quint32(data.size()), out.data());
    const QByteArray body = QByteArray(type, 4) + data;
    QByteArray crc(4, '\0');
    qToBigEndian<quint32>(crc32(body), crc.data());
    return out + body + crc;
}

// A complete, well-formed PNG whose header claims width x height; its pixel data is one tiny IDAT,
// so only a decoder that trusts the header would try to allocate the image.
QByteArray pngClaiming(quint32 width, quint32 height)
{
    QByteArray ihdr(13, '\0');
    qToBigEndian<quint32>(width, ihdr.data());
    qToBigEndian<quint32>(height, ihdr.data() + 4);
    ihdr[8] = 8;                                                     // bit depth
    ihdr[9] = 2;                                                     // RGB
    const QByteArray idat = QByteArray::fromHex("789c030000000001"); // zlib stream of nothing
    return QByteArray("\x89PNG\r\n\x1a\n", 8) + pngChunk("IHDR", ihdr) + pngChunk("IDAT", idat) +
           pngChunk("IEND", {});
}

std::unique_ptr<Project> newProject(const QTemporaryDir& dir)
{
    QString error;
    auto p = Project::create(QDir(dir.path()).filePath(QStringLiteral("p.loupe")), &error);
    if (!p) qWarning() << error;
    return p;
}

QString reasonFor(const ImportReport& r, const QString& fileName)
{
    for (const auto& f : r.failed)
        if (QFileInfo(f.path).fileName() == fileName) return f.reason;
    return {};
}

} // namespace

class TestImportHostile : public QObject
{
    Q_OBJECT
private slots:
    void hugeSparseFileFailsAndTheRestImports()
    {
        QTemporaryDir d;
        const QDir root(d.path());
        QVERIFY(writeBytes(root.filePath(QStringLiteral("in/a.png")), encode(noise(12, 9, 1), "PNG")));
        QVERIFY(writeBytes(root.filePath(QStringLiteral("in/b.jpg")), encode(noise(12, 9, 2), "JPG")));
        // 8 GB of zeros without using any disk: reading it whole would abort the import.
        QFile huge(root.filePath(QStringLiteral("in/huge.tif")));
        QVERIFY(huge.open(QIODevice::WriteOnly));
        QVERIFY(huge.resize(qint64(8) << 30));
        huge.close();
        auto project = newProject(d);
        QVERIFY(project);
        const ImportReport r = importFiles(*project, {root.filePath(QStringLiteral("in"))});
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.total, 3);
        QCOMPARE(r.added, 2);
        QCOMPARE(r.failed.size(), 1);
        const QString reason = reasonFor(r, QStringLiteral("huge.tif"));
        QVERIFY2(reason.contains(QStringLiteral("not a supported image")), qPrintable(reason));
    }

    void imagesAbovePixelLimitAreRefusedFromTheHeaderEverywhere()
    {
        QTemporaryDir d;
        const QString path = QDir(d.path()).filePath(QStringLiteral("big.png"));
        QVERIFY(writeBytes(path, pngClaiming(20000, 20000)));
        const ProbeResult p = probeImage(path);
        QVERIFY(!p.record);
        QVERIFY2(p.error.contains(QStringLiteral("20000 x 20000 pixels")), qPrintable(p.error));
        QVERIFY2(p.error.contains(QStringLiteral("above the limit of 134.2 megapixels")),
                 qPrintable(p.error));
        // Inference reads images through the same helper and gives the same reason.
        QString error;
        QVERIFY(readImage(path, &error).isNull());
        QCOMPARE(error, p.error);
        // The size check does not depend on the file's size (it used to, around kFullDecodeLimit).
        QByteArray padded = pngClaiming(20000, 20000);
        padded.insert(padded.size() - 12,
                      pngChunk("tEXt", QByteArray("Comment\0", 8) + QByteArray(int(kFullDecodeLimit), 'x')));
        const QString bigFile = QDir(d.path()).filePath(QStringLiteral("big_file.png"));
        QVERIFY(writeBytes(bigFile, padded));
        const ProbeResult q = probeImage(bigFile);
        QVERIFY(!q.record);
        QVERIFY2(q.error.contains(QStringLiteral("above the limit")), qPrintable(q.error));
    }

    void photosAboveQtsDefaultDecodeLimitImportAndDecode()
    {
        // 8000 x 6000 ARGB32 is 192 MB, over Qt's 128 MB default allocation limit.
        QImage img(8000, 6000, QImage::Format_RGB32);
        img.fill(qRgb(40, 90, 160));
        QTemporaryDir d;
        const QString path = QDir(d.path()).filePath(QStringLiteral("48mp.jpg"));
        QVERIFY(writeBytes(path, encode(img, "JPG", 80)));
        img = QImage();
        QVERIFY(QFileInfo(path).size() < kFullDecodeLimit); // so import decodes it fully
        const ProbeResult p = probeImage(path);
        QVERIFY2(p.record, qPrintable(p.error));
        QCOMPARE(p.record->width, 8000);
        QCOMPARE(p.record->height, 6000);
        QString error;
        const QImage decoded = readImage(path, &error);
        QVERIFY2(!decoded.isNull(), qPrintable(error));
        QCOMPARE(decoded.size(), QSize(8000, 6000));
    }

    void truncatedJpegAndPngAreRefused()
    {
        QTemporaryDir d;
        const QDir root(d.path());
        const QByteArray jpeg = encode(noise(256, 192, 3), "JPG", 95);
        const QByteArray png = encode(noise(256, 192, 4), "PNG");
        QVERIFY(writeBytes(root.filePath(QStringLiteral("in/half.jpg")), jpeg.left(jpeg.size() / 2)));
        QVERIFY(writeBytes(root.filePath(QStringLiteral("in/almost.png")), png.left(png.size() - 12)));
        // Complete files with bytes after the end marker (padding, appended data) are fine.
        QVERIFY(writeBytes(root.filePath(QStringLiteral("in/padded.jpg")), jpeg + QByteArray(100, '\0')));
        QVERIFY(writeBytes(root.filePath(QStringLiteral("in/whole.png")), png));
        auto project = newProject(d);
        QVERIFY(project);
        const ImportReport r = importFiles(*project, {root.filePath(QStringLiteral("in"))});
        QCOMPARE(r.added, 2);
        QCOMPARE(r.failed.size(), 2);
        const QString j = reasonFor(r, QStringLiteral("half.jpg"));
        QVERIFY2(j.contains(QStringLiteral("truncated: the JPEG data ends before its end-of-image marker")),
                 qPrintable(j));
        const QString p = reasonFor(r, QStringLiteral("almost.png"));
        QVERIFY2(p.contains(QStringLiteral("truncated: the PNG data ends before its IEND chunk")),
                 qPrintable(p));
        // Inference refuses the same file for the same reason.
        QString error;
        QVERIFY(readImage(root.filePath(QStringLiteral("in/half.jpg")), &error).isNull());
        QCOMPARE(error, j);
    }

    void largeTruncatedJpegIsRefusedWithoutFullDecode()
    {
        // Over kFullDecodeLimit import only reads the header: the end check still sees every byte.
        const QByteArray jpeg = encode(noise(3000, 2000, 5), "JPG", 100);
        QVERIFY(jpeg.size() / 2 > kFullDecodeLimit);
        QTemporaryDir d;
        const QString path = QDir(d.path()).filePath(QStringLiteral("half.jpg"));
        QVERIFY(writeBytes(path, jpeg.left(jpeg.size() / 2)));
        const ProbeResult p = probeImage(path);
        QVERIFY(!p.record);
        QVERIFY2(p.error.contains(QStringLiteral("truncated")), qPrintable(p.error));
    }

    void endCheckSkipsSegmentsAndThumbnails()
    {
        // An EXIF thumbnail (a whole JPEG with its own EOI) inside APP1 does not make a cut file whole.
        const QByteArray thumb = encode(noise(8, 8, 6), "JPG");
        const QByteArray main = encode(noise(64, 64, 7), "JPG");
        QByteArray app1("\xff\xe1", 2);
        const int len = 2 + int(thumb.size());
        app1 += char(len >> 8);
        app1 += char(len & 0xff);
        app1 += thumb;
        QByteArray withThumb = main;
        withThumb.insert(2, app1);
        auto problemOf = [](const QByteArray& bytes, const QByteArray& format) {
            ImageEndCheck c(format);
            // Fed in odd pieces: the state carries across chunk boundaries.
            for (qsizetype i = 0; i < bytes.size(); i += 7)
                c.feed(bytes.constData() + i, std::min<qsizetype>(7, bytes.size() - i));
            return c.problem();
        };
        QCOMPARE(problemOf(withThumb, "jpeg"), QString());
        QVERIFY(!problemOf(withThumb.left(2 + app1.size() + 40), "jpeg").isEmpty());
        QVERIFY(!problemOf(QByteArray("\xff\xd8\xff\xe0\x00", 5), "jpeg").isEmpty());
        QCOMPARE(problemOf(QByteArray("not checked"), "bmp"), QString());
        QVERIFY(problemOf(QByteArray("GIF89a"), "png").contains(QStringLiteral("no PNG signature")));
    }

    void unreadableFilesAreListedAsPermissionDenied()
    {
        QTemporaryDir d;
        const QDir root(d.path());
        const QString locked = root.filePath(QStringLiteral("in/locked.png"));
        QVERIFY(writeBytes(locked, encode(noise(5, 5, 8), "PNG")));
        QVERIFY(writeBytes(root.filePath(QStringLiteral("in/open.png")), encode(noise(5, 5, 9), "PNG")));
        QVERIFY(QFile::setPermissions(locked, QFileDevice::Permissions()));
        QFile probe(locked);
        if (probe.open(QIODevice::ReadOnly))
            QSKIP("running with permission to read a chmod 000 file (root?): nothing to refuse");
        auto project = newProject(d);
        QVERIFY(project);
        const ImportReport r = importFiles(*project, {root.filePath(QStringLiteral("in"))});
        QCOMPARE(r.total, 2);
        QCOMPARE(r.added, 1);
        QCOMPARE(r.failed.size(), 1);
        QCOMPARE(r.failed[0].reason, locked + QStringLiteral(": permission denied"));
    }

    void fifoNamedAsImageFailsWithoutBlocking()
    {
        QTemporaryDir d;
        const QString fifo = QDir(d.path()).filePath(QStringLiteral("pipe.jpg"));
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        const ProbeResult p = probeImage(fifo); // opening it for reading would wait for a writer forever
        QVERIFY(!p.record);
        QCOMPARE(p.error, fifo + QStringLiteral(": not a regular file"));
        QString error;
        QVERIFY(readImage(fifo, &error).isNull());
        QCOMPARE(error, p.error);
    }
};

QTEST_GUILESS_MAIN(TestImportHostile)
#include "tst_import_hostile.moc"
