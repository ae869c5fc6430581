// SPDX-License-Identifier: MIT
// Importers against broken input: every problem is reported with the file and the place in it, and an
// import with any problem yields nothing (so the caller applies all of it or none of it).
#include "annotation/formats/formats.h"

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

// Imports and expects failure with an error whose file ends with fileSuffix and whose place and message
// contain the given fragments.
void expectError(Format f, const QString& path, const QString& fileSuffix, const QString& place,
                 const QString& message)
{
    FormatReport report;
    const auto data = importDataset(f, path, report);
    QVERIFY2(!data.has_value(), "import of malformed input succeeded");
    QVERIFY(report.hasErrors());
    for (const auto& e : report.errors())
        if (e.file.endsWith(fileSuffix) && e.place.contains(place) && e.message.contains(message)) return;
    QFAIL(qPrintable(QStringLiteral("no error at %1 (%2) containing \"%3\"; got:\n%4")
                         .arg(fileSuffix, place, message, report.toText())));
}

const QByteArray kCocoHead = R"({"images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10}],
 "categories": [{"id": 1, "name": "cat"}], "annotations": [)";

} // namespace

class TestImportMalformed : public QObject
{
    Q_OBJECT
private slots:
    void cocoBrokenJson()
    {
        QTemporaryDir d;
        const QString p = d.filePath(QStringLiteral("c.json"));
        writeFile(p, "{\n  \"images\": [\n    {\"id\": 1,, }\n");
        expectError(Format::Coco, p, QStringLiteral("c.json"), QStringLiteral("line 3"),
                    QStringLiteral("broken JSON"));
    }
    void cocoReferencesAndIds_data()
    {
        QTest::addColumn<QByteArray>("annotations");
        QTest::addColumn<QString>("place");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown image")
            << QByteArray(R"({"id": 1, "image_id": 9, "category_id": 1, "bbox": [1, 1, 2, 2]}]})")
            << QStringLiteral("/annotations/0/image_id") << QStringLiteral("not in \"images\"");
        QTest::newRow("unknown category")
            << QByteArray(R"({"id": 1, "image_id": 1, "category_id": 0, "bbox": [1, 1, 2, 2]}]})")
            << QStringLiteral("/annotations/0/category_id") << QStringLiteral("not in \"categories\"");
        QTest::newRow("duplicate id")
            << QByteArray(R"({"id": 4, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2]},
                                                       {"id": 4, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2]}]})")
            << QStringLiteral("/annotations/1/id") << QStringLiteral("duplicate annotation id 4");
        QTest::newRow("bbox out of range")
            << QByteArray(R"({"id": 1, "image_id": 1, "category_id": 1, "bbox": [5, 5, 20, 2]}]})")
            << QStringLiteral("/annotations/0/bbox") << QStringLiteral("outside");
        QTest::newRow("negative size")
            << QByteArray(R"({"id": 1, "image_id": 1, "category_id": 1, "bbox": [5, 5, -2, 2]}]})")
            << QStringLiteral("/annotations/0/bbox") << QStringLiteral("width, height >= 0");
        QTest::newRow("vertex out of range")
            << QByteArray(
                   R"({"id": 1, "image_id": 1, "category_id": 1, "segmentation": [[1, 1, 5, 1, 5, 30]]}]})")
            << QStringLiteral("/annotations/0/segmentation/0/4") << QStringLiteral("outside");
        QTest::newRow("short polygon")
            << QByteArray(R"({"id": 1, "image_id": 1, "category_id": 1, "segmentation": [[1, 1, 5, 1]]}]})")
            << QStringLiteral("/annotations/0/segmentation/0") << QStringLiteral("at least 3");
        QTest::newRow("rle sum")
            << QByteArray(
                   R"({"id": 1, "image_id": 1, "category_id": 1, "segmentation": {"size": [10, 10], "counts": [5, 5]}}]})")
            << QStringLiteral("/annotations/0/segmentation/counts") << QStringLiteral("expected 100");
        QTest::newRow("rle size")
            << QByteArray(
                   R"({"id": 1, "image_id": 1, "category_id": 1, "segmentation": {"size": [10, 9], "counts": [90]}}]})")
            << QStringLiteral("/annotations/0/segmentation/size") << QStringLiteral("[height, width]");
        QTest::newRow("rle string")
            << QByteArray(
                   R"({"id": 1, "image_id": 1, "category_id": 1, "segmentation": {"size": [10, 10], "counts": "0T"}}]})")
            << QStringLiteral("/annotations/0/segmentation/counts") << QStringLiteral("truncated");
        QTest::newRow("visibility")
            << QByteArray(
                   R"({"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2], "keypoints": [1, 1, 3]}]})")
            << QStringLiteral("/annotations/0/keypoints/2") << QStringLiteral("visibility");
    }
    void cocoReferencesAndIds()
    {
        QFETCH(QByteArray, annotations);
        QFETCH(QString, place);
        QFETCH(QString, message);
        QTemporaryDir d;
        const QString p = d.filePath(QStringLiteral("c.json"));
        writeFile(p, kCocoHead + annotations);
        expectError(Format::Coco, p, QStringLiteral("c.json"), place, message);
    }
    void cocoUnlabelledKeypointsAreABox()
    {
        QTemporaryDir d;
        const QString p = d.filePath(QStringLiteral("c.json"));
        writeFile(
            p,
            kCocoHead +
                R"({"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2], "keypoints": [0, 0, 0, 0, 0, 0], "num_keypoints": 0}]})");
        FormatReport r;
        const auto data = importDataset(Format::Coco, p, r);
        QVERIFY2(data.has_value(), qPrintable(r.toText()));
        QCOMPARE(data->images[0].shapes.size(), size_t(1));
        QCOMPARE(data->images[0].shapes[0].kind(), ShapeKind::Rectangle);
    }
    void cocoDuplicateImageAndCategory()
    {
        QTemporaryDir d;
        const QString p = d.filePath(QStringLiteral("c.json"));
        writeFile(p, R"({"images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10},
                                    {"id": 1, "file_name": "b.jpg", "width": 10, "height": 10}],
                       "categories": [], "annotations": []})");
        expectError(Format::Coco, p, QStringLiteral("c.json"), QStringLiteral("/images/1/id"),
                    QStringLiteral("duplicate image id 1"));
        writeFile(
            p,
            R"({"images": [], "categories": [{"id": 1, "name": "a"}, {"id": 1, "name": "b"}], "annotations": []})");
        expectError(Format::Coco, p, QStringLiteral("c.json"), QStringLiteral("/categories/1/id"),
                    QStringLiteral("duplicate category id"));
    }
    void cocoOneBadFileFailsTheWholeImport()
    {
        QTemporaryDir d;
        writeFile(d.filePath(QStringLiteral("annotations/a.json")), kCocoHead + "]}");
        writeFile(d.filePath(QStringLiteral("annotations/b.json")), "[1, 2");
        expectError(Format::Coco, d.path(), QStringLiteral("b.json"), QStringLiteral("line 1"),
                    QStringLiteral("broken JSON"));
    }
    void vocErrors()
    {
        QTemporaryDir d;
        writeFile(d.filePath(QStringLiteral("Annotations/x.xml")),
                  "<annotation>\n<filename>x.jpg</filename>\n<size><width>10</width>\n</annotation>");
        expectError(Format::Voc, d.path(), QStringLiteral("x.xml"), QStringLiteral("line 4"),
                    QStringLiteral("broken XML"));
        writeFile(d.filePath(QStringLiteral("Annotations/x.xml")),
                  "<annotation><filename>x.jpg</filename><size><width>10</width><height>10</height></size>\n"
                  "<object><name>cat</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>15</xmax><ymax>5</"
                  "ymax></bndbox></object>\n"
                  "</annotation>");
        expectError(Format::Voc, d.path(), QStringLiteral("x.xml"), QStringLiteral("line 2"),
                    QStringLiteral("outside"));
        writeFile(d.filePath(QStringLiteral("Annotations/x.xml")),
                  "<annotation><filename>x.jpg</filename><size><width>10</width><height>10</height></size>\n"
                  "<object><name>cat</name><bndbox><xmin>a</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax></"
                  "bndbox></object>\n"
                  "</annotation>");
        expectError(Format::Voc, d.path(), QStringLiteral("x.xml"), QStringLiteral("line 2"),
                    QStringLiteral("<xmin> must be a number"));
        writeFile(d.filePath(QStringLiteral("Annotations/x.xml")),
                  "<annotation><filename>x.jpg</filename></annotation>");
        expectError(Format::Voc, d.path(), QStringLiteral("x.xml"), QStringLiteral("<size>"),
                    QStringLiteral("missing"));
    }
    void labelmeErrors()
    {
        QTemporaryDir d;
        const QString p = d.filePath(QStringLiteral("x.json"));
        const QByteArray head = R"({"imagePath": "x.jpg", "imageWidth": 10, "imageHeight": 10, "shapes": [)";
        writeFile(
            p, head + R"({"label": "cat", "shape_type": "polygon", "points": [[1, 1], [5, 1], [5, 12]]}]})");
        expectError(Format::Labelme, p, QStringLiteral("x.json"), QStringLiteral("/shapes/0/points/2"),
                    QStringLiteral("outside"));
        writeFile(p, head + R"({"label": "cat", "shape_type": "blob", "points": [[1, 1]]}]})");
        expectError(Format::Labelme, p, QStringLiteral("x.json"), QStringLiteral("/shapes/0/shape_type"),
                    QStringLiteral("unknown shape_type"));
        writeFile(p, head + R"({"label": "cat", "shape_type": "rectangle", "points": [[1, 1]]}]})");
        expectError(Format::Labelme, p, QStringLiteral("x.json"), QStringLiteral("/shapes/0/points"),
                    QStringLiteral("needs 2"));
        writeFile(p, head + R"({"label": "", "points": [[1, 1]]}]})");
        expectError(Format::Labelme, p, QStringLiteral("x.json"), QStringLiteral("/shapes/0/label"),
                    QStringLiteral("without a label"));
        writeFile(p, R"({"shapes": []})");
        expectError(Format::Labelme, p, QStringLiteral("x.json"), QStringLiteral("/imagePath"),
                    QStringLiteral("missing"));
        writeFile(p, "{\"shapes\": [}");
        expectError(Format::Labelme, p, QStringLiteral("x.json"), QStringLiteral("line 1, column 1"),
                    QStringLiteral("broken JSON"));
    }
    void cvatErrors()
    {
        QTemporaryDir d;
        const QString p = d.filePath(QStringLiteral("annotations.xml"));
        const QByteArray meta = "<annotations><version>1.1</version><meta><task><labels><label><name>cat</"
                                "name></label></labels></task></meta>\n";
        writeFile(p, meta + "<image id=\"0\" name=\"a.jpg\" width=\"10\" height=\"10\">\n<box label=\"dog\" "
                            "xtl=\"1\" ytl=\"1\" xbr=\"2\" ybr=\"2\"/></image></annotations>");
        expectError(Format::Cvat, p, QStringLiteral("annotations.xml"), QStringLiteral("line 3"),
                    QStringLiteral("not declared"));
        writeFile(p, meta + "<image id=\"0\" name=\"a.jpg\" width=\"10\" height=\"10\"/>\n<image id=\"0\" "
                            "name=\"b.jpg\" width=\"10\" height=\"10\"/></annotations>");
        expectError(Format::Cvat, p, QStringLiteral("annotations.xml"), QStringLiteral("line 3"),
                    QStringLiteral("duplicate image id"));
        writeFile(
            p, meta + "<image id=\"0\" name=\"a.jpg\" width=\"10\" height=\"10\">\n<mask label=\"cat\" "
                      "rle=\"1, 2\" left=\"0\" top=\"0\" width=\"2\" height=\"2\"/></image></annotations>");
        expectError(Format::Cvat, p, QStringLiteral("annotations.xml"), QStringLiteral("line 3"),
                    QStringLiteral("adding up"));
        writeFile(p, meta + "<image id=\"0\" name=\"a.jpg\" width=\"10\" height=\"10\">\n<polygon "
                            "label=\"cat\" points=\"1,1;5,1;5,40\"/></image></annotations>");
        expectError(Format::Cvat, p, QStringLiteral("annotations.xml"), QStringLiteral("line 3"),
                    QStringLiteral("outside"));
        writeFile(p, meta + "<image id=\"0\" name=\"a.jpg\"");
        expectError(Format::Cvat, p, QStringLiteral("annotations.xml"), QStringLiteral("line 2"),
                    QStringLiteral("broken XML"));
    }
    void yoloErrors()
    {
        QTemporaryDir d;
        writeFile(d.filePath(QStringLiteral("data.yaml")), "names:\n  0: cat\n  1: dog\n");
        QImage img(10, 10, QImage::Format_RGB32);
        img.fill(Qt::black);
        QDir().mkpath(d.filePath(QStringLiteral("images/train")));
        QVERIFY(img.save(d.filePath(QStringLiteral("images/train/a.png"))));
        writeFile(d.filePath(QStringLiteral("labels/train/a.txt")), "0 0.5 0.5 0.2 0.2\n2 0.5 0.5 0.2 0.2\n");
        expectError(Format::Yolo, d.path(), QStringLiteral("a.txt"), QStringLiteral("line 2"),
                    QStringLiteral("not an index"));
        writeFile(d.filePath(QStringLiteral("labels/train/a.txt")), "0 0.5 0.5 1.5 0.2\n");
        expectError(Format::Yolo, d.path(), QStringLiteral("a.txt"), QStringLiteral("line 1"),
                    QStringLiteral("normalised"));
        writeFile(d.filePath(QStringLiteral("labels/train/a.txt")), "0 0.5 0.5 0.2\n");
        expectError(Format::Yolo, d.path(), QStringLiteral("a.txt"), QStringLiteral("line 1"),
                    QStringLiteral("fit no YOLO line"));
        writeFile(d.filePath(QStringLiteral("labels/train/a.txt")), "0 0.5 0.5 0.2 0.2\n");
        writeFile(d.filePath(QStringLiteral("labels/train/orphan.txt")), "0 0.5 0.5 0.2 0.2\n");
        expectError(Format::Yolo, d.path(), QStringLiteral("orphan.txt"), QString(),
                    QStringLiteral("no image"));
        QFile::remove(d.filePath(QStringLiteral("labels/train/orphan.txt")));
        writeFile(d.filePath(QStringLiteral("data.yaml")), "names:\n  0: cat\n  2: dog\n");
        expectError(Format::Yolo, d.path(), QStringLiteral("data.yaml"), QStringLiteral("names"),
                    QStringLiteral("index 1 is missing"));
        // And the good case reads.
        writeFile(d.filePath(QStringLiteral("data.yaml")), "names: [cat, 'dog']  # two\n");
        FormatReport report;
        const auto data = importDataset(Format::Yolo, d.path(), report);
        QVERIFY2(data.has_value(), qPrintable(report.toText()));
        QCOMPARE(data->labels.size(), size_t(2));
        QCOMPARE(data->labels[1].name, QStringLiteral("dog"));
        QCOMPARE(data->images.size(), size_t(1));
        QCOMPARE(std::get<RectangleGeom>(data->images[0].shapes[0].geometry).rect, QRectF(4, 4, 2, 2));
    }
};

QTEST_MAIN(TestImportMalformed)
#include "tst_import_malformed.moc"
