// SPDX-License-Identifier: MIT
// Exporters against files written by hand from the format specifications (tests/data/annotation/expected).
#include "annotation/formats/formats.h"
#include "annotation/geometry/raster.h"
#include "sampledataset.h"

#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe::annotation;
using namespace loupe::annotation::test;

namespace {

QString expected(const QString& rel)
{
    return QStringLiteral(LOUPE_TEST_DATA "/annotation/expected/") + rel;
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return QByteArray("<missing ") + path.toUtf8() + '>';
    return f.readAll();
}

Dataset expectedDataset()
{
    Dataset d;
    d.labels.resize(3);
    d.labels[0].name = QStringLiteral("cat");
    d.labels[1].name = QStringLiteral("dog");
    d.labels[2].name = QStringLiteral("person");
    d.labels[2].keypointNames = {QStringLiteral("nose"), QStringLiteral("left_eye"),
                                 QStringLiteral("right_eye")};
    d.labels[2].skeleton = {{0, 1}, {0, 2}};
    DatasetImage a;
    a.path = QStringLiteral("imgs/a.png");
    a.width = 40;
    a.height = 30;
    a.shapes.push_back(shapeOf(0, RectangleGeom{QRectF(2, 3, 10, 5)}, {{QStringLiteral("difficult"), true}}));
    a.shapes.push_back(shapeOf(
        1, PolygonGeom{QPolygonF({QPointF(20, 2), QPointF(30, 2), QPointF(30, 12), QPointF(20, 12)})}));
    a.shapes.push_back(shapeOf(2, KeypointsGeom{{{QStringLiteral("nose"), QPointF(30, 20), 2},
                                                 {QStringLiteral("left_eye"), QPointF(28, 18), 1},
                                                 {QStringLiteral("right_eye"), QPointF(), 0}},
                                                QRectF(26, 16, 8, 8)}));
    a.shapes.push_back(shapeOf(1, MaskGeom{polygonToMask(QPolygonF(QRectF(1, 1, 2, 2)), 40, 30)}));
    DatasetImage b;
    b.path = QStringLiteral("b.png");
    b.width = 20;
    b.height = 10;
    d.images = {a, b};
    return d;
}

QString exportTo(Format f, const Dataset& d, QTemporaryDir& dir, FormatReport& report, ExportOptions opt = {})
{
    const QString out = dir.filePath(QStringLiteral("out"));
    if (!exportDataset(f, d, out, opt, report)) qWarning().noquote() << report.toText();
    return out;
}

} // namespace

class TestExpectedFiles : public QObject
{
    Q_OBJECT
private slots:
    void datasetIsWhatTheReadmeSays()
    {
        const Dataset d = expectedDataset();
        const auto& m = std::get<MaskGeom>(d.images[0].shapes[3].geometry).mask;
        QCOMPARE(m.area(), qint64(4));
        QCOMPARE(m.boundingBox(), QRect(1, 1, 2, 2));
    }
    void coco()
    {
        QTemporaryDir dir;
        FormatReport report;
        const QString out = exportTo(Format::Coco, expectedDataset(), dir, report);
        const QJsonDocument got =
            QJsonDocument::fromJson(readAll(out + QStringLiteral("/annotations/instances_default.json")));
        const QJsonDocument want =
            QJsonDocument::fromJson(readAll(expected(QStringLiteral("coco/instances_default.json"))));
        QVERIFY(!want.isNull());
        QCOMPARE(got, want);
        QVERIFY(!QFile::exists(out + QStringLiteral("/annotations/captions_default.json"))); // no captions
        QCOMPARE(report.counts().value(QStringLiteral("rectangle")), qsizetype(1));
        QCOMPARE(report.counts().value(QStringLiteral("mask")), qsizetype(1));
    }
    void yolo_data()
    {
        QTest::addColumn<int>("task");
        QTest::addColumn<QString>("folder");
        QTest::newRow("detect") << int(YoloTask::Detect) << QStringLiteral("yolo_detect");
        QTest::newRow("segment") << int(YoloTask::Segment) << QStringLiteral("yolo_segment");
        QTest::newRow("pose") << int(YoloTask::Pose) << QStringLiteral("yolo_pose");
        QTest::newRow("obb") << int(YoloTask::Obb) << QStringLiteral("yolo_obb");
    }
    void yolo()
    {
        QFETCH(int, task);
        QFETCH(QString, folder);
        QTemporaryDir dir;
        FormatReport report;
        ExportOptions opt;
        opt.yoloTask = YoloTask(task);
        const QString out = exportTo(Format::Yolo, expectedDataset(), dir, report, opt);
        QCOMPARE(readAll(out + QStringLiteral("/data.yaml")),
                 readAll(expected(folder + QStringLiteral("/data.yaml"))));
        QCOMPARE(readAll(out + QStringLiteral("/labels/default/imgs/a.txt")),
                 readAll(expected(folder + QStringLiteral("/labels/default/imgs/a.txt"))));
        // An image without objects still gets its (empty) label file.
        QVERIFY(QFile::exists(out + QStringLiteral("/labels/default/b.txt")));
        QCOMPARE(readAll(out + QStringLiteral("/labels/default/b.txt")), QByteArray());
    }
    void voc()
    {
        QTemporaryDir dir;
        FormatReport report;
        const QString out = exportTo(Format::Voc, expectedDataset(), dir, report);
        QCOMPARE(readAll(out + QStringLiteral("/Annotations/imgs/a.xml")).trimmed(),
                 readAll(expected(QStringLiteral("voc/Annotations/imgs/a.xml"))).trimmed());
        QCOMPARE(readAll(out + QStringLiteral("/ImageSets/Main/default.txt")), QByteArray("imgs/a\nb\n"));
        QCOMPARE(report.droppedCount(QStringLiteral("keypoints")), qsizetype(1));
    }
    void labelme()
    {
        QTemporaryDir dir;
        FormatReport report;
        const QString out = exportTo(Format::Labelme, expectedDataset(), dir, report);
        QJsonObject got = QJsonDocument::fromJson(readAll(out + QStringLiteral("/imgs/a.json"))).object();
        const QJsonObject want =
            QJsonDocument::fromJson(readAll(expected(QStringLiteral("labelme/imgs/a.json")))).object();
        QVERIFY(!want.isEmpty());
        // The mask PNG's bytes depend on the encoder; check what it decodes to, then compare the rest.
        QJsonArray shapes = got.value(QStringLiteral("shapes")).toArray();
        QCOMPARE(shapes.size(), 5);
        QJsonObject maskShape = shapes[4].toObject();
        const QImage png = QImage::fromData(
            QByteArray::fromBase64(maskShape.value(QStringLiteral("mask")).toString().toLatin1()));
        QCOMPARE(png.size(), QSize(2, 2));
        for (int y = 0; y < 2; ++y)
            for (int x = 0; x < 2; ++x)
                QVERIFY(qGray(png.pixel(x, y)) > 0);
        maskShape.insert(QStringLiteral("mask"), QStringLiteral("MASK"));
        shapes[4] = maskShape;
        got.insert(QStringLiteral("shapes"), shapes);
        QCOMPARE(got, want);
        QVERIFY(QFile::exists(out + QStringLiteral("/b.json")));
    }
    void cvat()
    {
        QTemporaryDir dir;
        FormatReport report;
        const QString out = exportTo(Format::Cvat, expectedDataset(), dir, report);
        const QByteArray got = readAll(out + QStringLiteral("/annotations.xml")).trimmed();
        const QByteArray want = readAll(expected(QStringLiteral("cvat/annotations.xml"))).trimmed();
        if (got != want) qWarning().noquote() << got;
        QCOMPARE(got, want);
    }
};

QTEST_MAIN(TestExpectedFiles)
#include "tst_expected_files.moc"
