// SPDX-License-Identifier: MIT
// Hostile annotation files: offsets near INT_MAX, absurd declared image sizes, non-finite and huge
// coordinates, DTDs, relative paths. Each must end in a clear error naming the file (or a correct
// import), never a crash, bad_alloc or a silently wrong dataset.
#include "annotation/formats/coco.h"
#include "annotation/formats/cvat.h"
#include "annotation/formats/formats.h"
#include "annotation/formats/labelme.h"
#include "annotation/formats/voc.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe::annotation;

namespace {

void writeFile(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

void writeImage(const QString& path, int w, int h)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QImage img(w, h, QImage::Format_RGB32);
    img.fill(Qt::gray);
    QVERIFY(img.save(path));
}

// The report holds an error whose file ends with fileSuffix and whose place and message hold the fragments.
bool hasError(const FormatReport& r, const QString& fileSuffix, const QString& place, const QString& message)
{
    for (const auto& e : r.errors())
        if (e.file.endsWith(fileSuffix) && e.place.contains(place) && e.message.contains(message))
            return true;
    return false;
}

const QByteArray kCvatHead = "<annotations><version>1.1</version>\n";

QByteArray cvatMask(const QByteArray& imageSize, const QByteArray& box, const QByteArray& rle)
{
    return kCvatHead + "<image id=\"0\" name=\"a.png\" " + imageSize + ">\n<mask label=\"cat\" rle=\"" + rle +
           "\" " + box + "/></image></annotations>";
}

QByteArray cocoRle(int w, int h, const QByteArray& counts)
{
    return QStringLiteral(R"({"images": [{"id": 1, "file_name": "a.png", "width": %1, "height": %2}],
 "categories": [{"id": 1, "name": "cat"}],
 "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "segmentation": {"size": [%2, %1], "counts": %3}}]})")
        .arg(w)
        .arg(h)
        .arg(QString::fromLatin1(counts))
        .toUtf8();
}

QByteArray labelmeMask(int w, int h, int maskSide = 2)
{
    QImage m(maskSide, maskSide, QImage::Format_Grayscale8);
    m.fill(255);
    QByteArray png;
    QBuffer buf(&png);
    buf.open(QIODevice::WriteOnly);
    m.save(&buf, "PNG");
    return QStringLiteral(R"({"version": "5.1.1", "imagePath": "a.png", "imageWidth": %1, "imageHeight": %2,
 "shapes": [{"label": "cat", "shape_type": "mask", "points": [[1, 1], [2, 2]], "mask": "%3"}]})")
        .arg(w)
        .arg(h)
        .arg(QString::fromLatin1(png.toBase64()))
        .toUtf8();
}

} // namespace

class TestHostileFiles : public QObject
{
    Q_OBJECT
private slots:
    void cvatMaskOffsetsNearIntMax_data()
    {
        QTest::addColumn<QByteArray>("box");
        QTest::newRow("left") << QByteArray("left=\"2147483647\" top=\"0\" width=\"2\" height=\"2\"");
        QTest::newRow("top") << QByteArray("left=\"0\" top=\"2147483647\" width=\"2\" height=\"2\"");
        QTest::newRow("width") << QByteArray("left=\"5\" top=\"0\" width=\"2147483647\" height=\"1\"");
        QTest::newRow("beyond int") << QByteArray("left=\"4294967296\" top=\"0\" width=\"2\" height=\"2\"");
    }
    void cvatMaskOffsetsNearIntMax()
    {
        QFETCH(QByteArray, box);
        Dataset d;
        FormatReport r;
        QVERIFY(
            !cvat::parse(cvatMask("width=\"10\" height=\"10\"", box, "0, 4"), QStringLiteral("x.xml"), d, r));
        QVERIFY2(
            hasError(r, QStringLiteral("x.xml"), QStringLiteral("line 3"), QStringLiteral("must lie inside")),
            qPrintable(r.toText()));
    }
    void cvatMaskStillDecodes()
    {
        // The 3 x 2 box at (4, 5): runs 1 off, 4 on, 1 off -> (5,5) (6,5) (4,6) (5,6).
        Dataset d;
        FormatReport r;
        QVERIFY2(cvat::parse(cvatMask("width=\"10\" height=\"8\"",
                                      "left=\"4\" top=\"5\" width=\"3\" height=\"2\"", "1, 4, 1"),
                             QStringLiteral("x.xml"), d, r),
                 qPrintable(r.toText()));
        const RleMask& m = std::get<MaskGeom>(d.images[0].shapes[0].geometry).mask;
        QCOMPARE(m.width(), 10);
        QCOMPARE(m.height(), 8);
        QCOMPARE(m.area(), qint64(4));
        QVERIFY(m.contains(5, 5) && m.contains(6, 5) && m.contains(4, 6) && m.contains(5, 6));
        QVERIFY(!m.contains(4, 5) && !m.contains(6, 6));
    }
    void absurdDeclaredSizesAreRefusedBeforeAllocating()
    {
        {
            Dataset d;
            FormatReport r;
            QVERIFY(
                !coco::parse(cocoRle(1000000, 1000000, "[1000000000000]"), QStringLiteral("c.json"), d, r));
            QVERIFY2(hasError(r, QStringLiteral("c.json"), QStringLiteral("/images/0"),
                              QStringLiteral("1000000 x 1000000 is beyond the limit")),
                     qPrintable(r.toText()));
        }
        {
            Dataset d;
            FormatReport r;
            QVERIFY(
                !labelme::parse(labelmeMask(1000000, 1000000), QStringLiteral("l.json"), QString(), d, r));
            QVERIFY2(hasError(r, QStringLiteral("l.json"), QStringLiteral("/imageWidth"),
                              QStringLiteral("beyond the limit")),
                     qPrintable(r.toText()));
        }
        {
            Dataset d;
            FormatReport r;
            QVERIFY(!cvat::parse(cvatMask("width=\"2000000000\" height=\"10\"",
                                          "left=\"0\" top=\"0\" width=\"2\" height=\"2\"", "0, 4"),
                                 QStringLiteral("x.xml"), d, r));
            QVERIFY2(hasError(r, QStringLiteral("x.xml"), QStringLiteral("width/height"),
                              QStringLiteral("2000000000 x 10 is beyond the limit")),
                     qPrintable(r.toText()));
        }
        {
            Dataset d;
            FormatReport r;
            const QByteArray voc = "<annotation><filename>a.png</filename><size><width>1000000</width>"
                                   "<height>10</height></size></annotation>";
            QVERIFY(!voc::parse(voc, QStringLiteral("v.xml"), QString(), d, r));
            QVERIFY2(hasError(r, QStringLiteral("v.xml"), QStringLiteral("<width>"),
                              QStringLiteral("beyond the limit")),
                     qPrintable(r.toText()));
        }
    }
    void labelmeMaskPngBiggerThanTheImage()
    {
        Dataset d;
        FormatReport r;
        QVERIFY(!labelme::parse(labelmeMask(10, 10, 64), QStringLiteral("l.json"), QString(), d, r));
        QVERIFY2(hasError(r, QStringLiteral("l.json"), QStringLiteral("/shapes/0/mask"),
                          QStringLiteral("fits the 10 x 10 image")),
                 qPrintable(r.toText()));
    }
    void importTargetMatchesLikeTheImport()
    {
        const ImportTarget t({QStringLiteral("x/a.png"), QStringLiteral("y/a.png"), QStringLiteral("c.png")},
                             {QSize(1, 2), QSize(3, 4), QSize(5, 6)});
        QCOMPARE(t.sizeOf(QStringLiteral("./x/a.png")), std::optional<QSize>(QSize(1, 2)));
        QCOMPARE(t.sizeOf(QStringLiteral("a.png")), std::nullopt); // two project images share the name
        QCOMPARE(t.sizeOf(QStringLiteral("elsewhere/c.png")), std::optional<QSize>(QSize(5, 6)));
        QCOMPARE(t.sizeOf(QStringLiteral("d.png")), std::nullopt);
    }
    void masksFollowTheProjectImage()
    {
        // 20000 x 10000 is within the limits, but the project's a.png is 100 x 100: refused before any
        // bitmap is made, and a mask on an image the project does not have is not rasterised at all.
        const ImportTarget target({QStringLiteral("a.png")}, {QSize(100, 100)});
        ImportOptions o;
        o.target = &target;
        {
            Dataset d;
            FormatReport r;
            QVERIFY(!coco::parse(cocoRle(20000, 10000, "[200000000]"), QStringLiteral("c.json"), d, r, o));
            QVERIFY2(hasError(r, QStringLiteral("c.json"), QStringLiteral("/annotations/0/segmentation"),
                              QStringLiteral("the image \"a.png\" it belongs to is 100 x 100")),
                     qPrintable(r.toText()));
        }
        {
            const ImportTarget other({QStringLiteral("b.png")}, {QSize(100, 100)});
            ImportOptions elsewhere;
            elsewhere.target = &other;
            Dataset d;
            FormatReport r;
            QVERIFY2(
                coco::parse(cocoRle(20000, 10000, "[200000000]"), QStringLiteral("c.json"), d, r, elsewhere),
                qPrintable(r.toText()));
            QVERIFY(d.images[0].shapes.empty());
            QCOMPARE(r.droppedCount(QStringLiteral("mask")), qsizetype(1));
            Dataset d2;
            FormatReport r2;
            QVERIFY(cvat::parse(cvatMask("width=\"20000\" height=\"10000\"",
                                         "left=\"0\" top=\"0\" width=\"2\" height=\"2\"", "0, 4"),
                                QStringLiteral("x.xml"), d2, r2, elsewhere));
            QVERIFY(d2.images[0].shapes.empty());
            QCOMPARE(r2.droppedCount(QStringLiteral("mask")), qsizetype(1));
            Dataset d3;
            FormatReport r3;
            QVERIFY(labelme::parse(labelmeMask(20000, 10000), QStringLiteral("l.json"), QString(), d3, r3,
                                   elsewhere));
            QVERIFY(d3.images[0].shapes.empty());
        }
        {
            Dataset d;
            FormatReport r;
            QVERIFY(labelme::parse(labelmeMask(100, 100), QStringLiteral("l.json"), QString(), d, r, o));
            QCOMPARE(std::get<MaskGeom>(d.images[0].shapes[0].geometry).mask.area(), qint64(4));
        }
    }
    void yoloNonFiniteAndAbsurdCoordinates_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QString>("message");
        QTest::newRow("keypoint 1e300")
            << QByteArray("0 0.5 0.5 0.2 0.2 1e300 0.5 2") << QStringLiteral("normalised");
        QTest::newRow("keypoint -1e300")
            << QByteArray("0 0.5 0.5 0.2 0.2 0.5 -1e300 1") << QStringLiteral("normalised");
        QTest::newRow("keypoint nan")
            << QByteArray("0 0.5 0.5 0.2 0.2 nan 0.5 2") << QStringLiteral("numbers");
        QTest::newRow("keypoint inf")
            << QByteArray("0 0.5 0.5 0.2 0.2 0.5 inf 2") << QStringLiteral("numbers");
        QTest::newRow("pose box 1e300")
            << QByteArray("0 0.5 0.5 1e300 0.2 0.5 0.5 2") << QStringLiteral("normalised");
    }
    void yoloNonFiniteAndAbsurdCoordinates()
    {
        QFETCH(QByteArray, line);
        QFETCH(QString, message);
        QTemporaryDir dir;
        writeFile(dir.filePath(QStringLiteral("data.yaml")), "names: [person]\nkpt_shape: [1, 3]\n");
        writeImage(dir.filePath(QStringLiteral("images/train/a.png")), 10, 10);
        writeFile(dir.filePath(QStringLiteral("labels/train/a.txt")), line + "\n");
        FormatReport r;
        QVERIFY(!importDataset(Format::Yolo, dir.path(), r));
        QVERIFY2(hasError(r, QStringLiteral("a.txt"), QStringLiteral("line 1"), message),
                 qPrintable(r.toText()));
    }
    void cvatNonFiniteCoordinates()
    {
        // (JSON formats cannot carry them: Qt refuses 1e999 as "illegal number".)
        Dataset d3;
        FormatReport r3;
        QVERIFY(!cvat::parse(
            kCvatHead + "<image id=\"0\" name=\"a.png\" width=\"10\" height=\"10\">\n<box "
                        "label=\"cat\" xtl=\"nan\" ytl=\"1\" xbr=\"2\" ybr=\"2\"/></image></annotations>",
            QStringLiteral("x.xml"), d3, r3));
        QVERIFY2(hasError(r3, QStringLiteral("x.xml"), QStringLiteral("line 3"), QStringLiteral("<box>")),
                 qPrintable(r3.toText()));
    }
    void doctypeIsRefused_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<QByteArray>("xml");
        const QByteArray dtd =
            "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n";
        QTest::newRow("voc")
            << int(Format::Voc)
            << dtd + "<annotation><filename>a.png</filename><size><width>10</width><height>10</"
                     "height></size><object><name>&xxe;</name><bndbox><xmin>1</xmin><ymin>1</"
                     "ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>";
        QTest::newRow("cvat")
            << int(Format::Cvat)
            << dtd + "<annotations><image id=\"0\" name=\"a.png\" width=\"10\" height=\"10\"><tag "
                     "label=\"&xxe;\"/></image></annotations>";
        QTest::newRow("internal entity")
            << int(Format::Voc) << QByteArray("<!DOCTYPE annotation [<!ENTITY n \"cat\">]><annotation/>");
    }
    void doctypeIsRefused()
    {
        QFETCH(int, format);
        QFETCH(QByteArray, xml);
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("evil.xml"));
        writeFile(file, xml);
        FormatReport r;
        QVERIFY(!importDataset(Format(format), file, r));
        QVERIFY2(hasError(r, QStringLiteral("evil.xml"), QString(),
                          QStringLiteral("external entities/DTD are not supported")),
                 qPrintable(r.toText()));
        QVERIFY2(!r.toText().contains(QStringLiteral("without a")), qPrintable(r.toText()));
    }
    void relativePathsReadLikeAbsoluteOnes()
    {
        QTemporaryDir dir;
        writeFile(dir.filePath(QStringLiteral("ds/data.yaml")), "names: [cat]\n");
        writeImage(dir.filePath(QStringLiteral("ds/images/train/a.png")), 10, 10);
        writeFile(dir.filePath(QStringLiteral("ds/labels/train/a.txt")), "0 0.5 0.5 0.2 0.2\n");
        writeFile(dir.filePath(QStringLiteral("voc/Annotations/sub/a.xml")),
                  "<annotation><filename>a.png</filename><size><width>10</width><height>10</height></size>"
                  "<object><name>cat</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax>"
                  "</bndbox></object></annotation>");
        writeFile(dir.filePath(QStringLiteral("lm/sub/a.json")),
                  R"({"imagePath": "a.png", "imageWidth": 10, "imageHeight": 10,
 "shapes": [{"label": "cat", "shape_type": "point", "points": [[1, 1]]}]})");
        const QString before = QDir::currentPath();
        QVERIFY(QDir::setCurrent(dir.path()));
        struct Case
        {
            Format f;
            QString path, image;
        };
        for (const Case& c : {Case{Format::Yolo, QStringLiteral("ds"), QStringLiteral("train/a.png")},
                              Case{Format::Yolo, QStringLiteral("./ds/"), QStringLiteral("train/a.png")},
                              Case{Format::Voc, QStringLiteral("voc"), QStringLiteral("sub/a.png")},
                              Case{Format::Labelme, QStringLiteral("lm"), QStringLiteral("sub/a.png")}}) {
            FormatReport r;
            const auto data = importDataset(c.f, c.path, r);
            QVERIFY2(data && data->images.size() == 1, qPrintable(c.path + QLatin1Char('\n') + r.toText()));
            QCOMPARE(data->images[0].path, c.image);
            QCOMPARE(data->images[0].shapes.size(), size_t(1));
        }
        QDir::setCurrent(before);
    }
    void fuzzerFindsStayFixed_data()
    {
        QTest::addColumn<QString>("seed");
        // A shape left open when its <image> closed was pushed onto no image (null dereference).
        QTest::newRow("cvat open shape") << QStringLiteral("cvat/crash_shape_open_past_image.xml");
    }
    void fuzzerFindsStayFixed()
    {
        QFETCH(QString, seed);
        QFile f(QStringLiteral(LOUPE_TEST_DATA "/fuzz/") + seed);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray file = f.readAll().mid(3); // the fuzzers' 3-byte header picks the project image
        Dataset d;
        FormatReport r;
        cvat::parse(file, seed, d, r); // must return, whatever it decides
        for (const DatasetImage& im : d.images)
            QVERIFY(im.width > 0);
    }
    void cvatEmptyLabelIsImported()
    {
        const QByteArray xml = kCvatHead +
                               "<meta><task><labels><label><name>cat</name></label></labels></task></meta>"
                               "<image id=\"0\" name=\"a.png\" width=\"10\" height=\"10\">\n<box label=\"\" "
                               "xtl=\"1\" ytl=\"1\" xbr=\"2\" ybr=\"2\"/><box label=\"cat\" xtl=\"1\" "
                               "ytl=\"1\" xbr=\"3\" ybr=\"3\"/></image></annotations>";
        Dataset d;
        FormatReport r;
        QVERIFY2(cvat::parse(xml, QStringLiteral("x.xml"), d, r), qPrintable(r.toText()));
        QCOMPARE(d.images[0].shapes.size(), size_t(2));
        QCOMPARE(d.labels[size_t(d.images[0].shapes[0].labelId)].name, QString::fromLatin1(kUnlabeled));
        QCOMPARE(r.convertedCount(QStringLiteral("shape without a label")), qsizetype(1));
        QVERIFY(r.toText().contains(QStringLiteral("empty label")));
        ImportOptions o;
        o.emptyLabel = QStringLiteral("thing");
        Dataset d2;
        FormatReport r2;
        QVERIFY(cvat::parse(xml, QStringLiteral("x.xml"), d2, r2, o));
        QCOMPARE(d2.labels[size_t(d2.images[0].shapes[0].labelId)].name, QStringLiteral("thing"));
    }
};

QTEST_MAIN(TestHostileFiles)
#include "tst_hostile_files.moc"
