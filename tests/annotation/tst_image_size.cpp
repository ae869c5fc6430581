// SPDX-License-Identifier: MIT
// YOLO normalises by the image size as displayed: a phone photo stored 40 x 20 with EXIF orientation 6
// (rotate 90°) is 20 x 40 on screen, and that is the size its labels are relative to.
#include "annotation/formats/fileio.h"
#include "annotation/formats/formats.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe::annotation;

namespace {

// A JPEG with an APP1 Exif segment holding only the orientation tag (big-endian TIFF).
QByteArray jpegWithOrientation(int w, int h, quint16 orientation)
{
    QImage img(w, h, QImage::Format_RGB32);
    img.fill(Qt::red);
    QByteArray jpg;
    QBuffer buf(&jpg);
    buf.open(QIODevice::WriteOnly);
    img.save(&buf, "JPG");
    QByteArray tiff("MM\x00\x2a\x00\x00\x00\x08", 8);          // header, IFD at offset 8
    tiff += QByteArray("\x00\x01", 2);                         // one entry
    tiff += QByteArray("\x01\x12\x00\x03\x00\x00\x00\x01", 8); // Orientation, SHORT, count 1
    tiff += char(orientation >> 8);
    tiff += char(orientation & 0xff);
    tiff += QByteArray("\x00\x00", 2);
    tiff += QByteArray("\x00\x00\x00\x00", 4); // no next IFD
    const QByteArray payload = QByteArray("Exif\x00\x00", 6) + tiff;
    const int len = int(payload.size()) + 2;
    QByteArray app1("\xff\xe1", 2);
    app1 += char(len >> 8);
    app1 += char(len & 0xff);
    app1 += payload;
    return jpg.left(2) + app1 + jpg.mid(2);
}

} // namespace

class TestImageSize : public QObject
{
    Q_OBJECT
private slots:
    void exifOrientationSwapsSize()
    {
        QTemporaryDir d;
        const QString rotated = d.filePath(QStringLiteral("r.jpg")),
                      upright = d.filePath(QStringLiteral("u.jpg"));
        for (auto [path, o] : {std::pair{rotated, 6}, std::pair{upright, 1}}) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(jpegWithOrientation(40, 20, quint16(o)));
        }
        QCOMPARE(orientedImageSize(rotated), QSize(20, 40));
        QCOMPARE(orientedImageSize(upright), QSize(40, 20));
        QVERIFY(!orientedImageSize(d.filePath(QStringLiteral("missing.jpg"))).isValid());
    }
    void yoloImportUsesDisplayedSize()
    {
        QTemporaryDir d;
        QDir().mkpath(d.filePath(QStringLiteral("images")));
        QDir().mkpath(d.filePath(QStringLiteral("labels")));
        QFile img(d.filePath(QStringLiteral("images/r.jpg")));
        QVERIFY(img.open(QIODevice::WriteOnly));
        img.write(jpegWithOrientation(40, 20, 6));
        img.close();
        QFile yaml(d.filePath(QStringLiteral("data.yaml")));
        QVERIFY(yaml.open(QIODevice::WriteOnly));
        yaml.write("names:\n  - thing\n");
        yaml.close();
        QFile txt(d.filePath(QStringLiteral("labels/r.txt")));
        QVERIFY(txt.open(QIODevice::WriteOnly));
        txt.write("0 0.5 0.5 0.5 0.25\n");
        txt.close();
        FormatReport report;
        const auto data = importDataset(Format::Yolo, d.path(), report);
        QVERIFY2(data.has_value(), qPrintable(report.toText()));
        QCOMPARE(data->images[0].width, 20);
        QCOMPARE(data->images[0].height, 40);
        QCOMPARE(std::get<RectangleGeom>(data->images[0].shapes[0].geometry).rect, QRectF(5, 15, 10, 10));
    }
};

QTEST_MAIN(TestImageSize)
#include "tst_image_size.moc"
