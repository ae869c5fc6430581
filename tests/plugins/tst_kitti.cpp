// SPDX-License-Identifier: MIT
// The KITTI plugin through Loupe's format registry: label files written by the devkit's spec (one line
// per object, 15 fields, 16 with a score) import as boxes with their 3D fields kept, export back to the
// same text, and bad files are refused naming the file and the line.
#include "annotation/formats/format_registry.h"
#include "core/import/importer_registry.h"
#include "plugins/host/plugin_host.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QtTest>

using namespace loupe;
using annotation::Dataset;
using annotation::FormatReport;

namespace {

// Lines as the KITTI devkit's readme lays them out: type truncated occluded alpha left top right bottom
// height width length x y z rotation_y [score].
const QByteArray kFrame0 =
    "Car 0.00 0 -1.58 58.00 20.00 150.50 75.25 1.48 1.60 3.90 -2.40 1.65 20.10 -1.62\n"
    "Pedestrian 0.35 1 0.21 160.00 10.00 180.00 60.00 1.72 0.60 0.80 4.10 1.60 12.30 0.50\n"
    "DontCare -1.00 -1 -10.00 0.00 0.00 20.00 15.00 -1.00 -1.00 -1.00 -1000.00 -1000.00 "
    "-1000.00 -10.00\n";
const QByteArray kFrame1 =
    "Cyclist 0.00 2 1.10 10.00 30.00 40.00 90.00 1.70 0.50 1.80 -6.00 1.70 9.90 1.00 0.875\n";

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<missing " + path.toUtf8() + ">");
}

// A KITTI dataset folder: image_2/ with two 200 x 100 PNGs, label_2/ with their label files.
void makeDataset(const QString& root, const QByteArray& frame0 = kFrame0)
{
    QImage image(200, 100, QImage::Format_RGB888);
    image.fill(Qt::darkGray);
    QDir().mkpath(root + QStringLiteral("/image_2"));
    QVERIFY(image.save(root + QStringLiteral("/image_2/000000.png")));
    QVERIFY(image.save(root + QStringLiteral("/image_2/000001.png")));
    QVERIFY(writeFile(root + QStringLiteral("/label_2/000000.txt"), frame0));
    QVERIFY(writeFile(root + QStringLiteral("/label_2/000001.txt"), kFrame1));
}

QString errorsOf(const FormatReport& r)
{
    return r.toText();
}

} // namespace

class TestKitti : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        plugins::PluginHost host;
        const plugins::PluginRecord& r = host.loadFile(
            QStringLiteral(LOUPE_PLUGIN_BUILD_DIR "/libloupe_kitti.so"), QStringLiteral("test"));
        QVERIFY2(r.loaded, qPrintable(r.reason));
    }

    void importsBoxesWithTheirKittiFields()
    {
        QTemporaryDir dir;
        makeDataset(dir.path());
        FormatReport report;
        const std::optional<Dataset> data =
            annotation::importDatasetNamed(QStringLiteral("kitti"), dir.path(), report);
        QVERIFY2(data, qPrintable(errorsOf(report)));
        QCOMPARE(report.images(), qsizetype(2));
        QCOMPARE(report.counts().value(QStringLiteral("rectangle")), qsizetype(4));
        QCOMPARE(data->images.size(), size_t(2));
        const annotation::DatasetImage& img = data->images[0];
        QCOMPARE(img.path, QStringLiteral("000000.png"));
        QCOMPARE(img.width, 200);
        QCOMPARE(img.height, 100);
        QCOMPARE(img.shapes.size(), size_t(3));
        const annotation::Shape& car = img.shapes[0];
        QCOMPARE(data->labels[size_t(car.labelId)].name, QStringLiteral("Car"));
        QCOMPARE(std::get<annotation::RectangleGeom>(car.geometry).rect,
                 QRectF(QPointF(58, 20), QPointF(150.5, 75.25)));
        QCOMPARE(car.attributes.value(QStringLiteral("alpha")).toDouble(), -1.58);
        QCOMPARE(car.attributes.value(QStringLiteral("location")).toArray().at(2).toDouble(), 20.1);
        QCOMPARE(img.shapes[1].attributes.value(QStringLiteral("occluded")).toInt(), 1);
        QCOMPARE(img.shapes[1].attributes.value(QStringLiteral("truncated")).toDouble(), 0.35);
        QCOMPARE(data->labels[size_t(img.shapes[2].labelId)].name, QStringLiteral("DontCare"));
        // The 16th field is a detection's score.
        const annotation::Shape& cyclist = data->images[1].shapes[0];
        QVERIFY(cyclist.score);
        QCOMPARE(*cyclist.score, 0.875);
        QCOMPARE(cyclist.source, annotation::ShapeSource::Model);
    }

    void roundTripWritesTheSameLabelFiles()
    {
        QTemporaryDir in, out;
        makeDataset(in.path());
        FormatReport readReport, writeReport;
        const std::optional<Dataset> data =
            annotation::importDatasetNamed(QStringLiteral("kitti"), in.path(), readReport);
        QVERIFY2(data, qPrintable(errorsOf(readReport)));
        annotation::ExportOptions options;
        options.imageRoot = in.path() + QStringLiteral("/image_2");
        options.split = QStringLiteral("train");
        QVERIFY2(
            annotation::exportDatasetNamed(QStringLiteral("kitti"), *data, out.path(), options, writeReport),
            qPrintable(errorsOf(writeReport)));
        QCOMPARE(readFile(out.filePath(QStringLiteral("label_2/000000.txt"))), kFrame0);
        QCOMPARE(readFile(out.filePath(QStringLiteral("label_2/000001.txt"))), kFrame1);
        QCOMPARE(readFile(out.filePath(QStringLiteral("ImageSets/train.txt"))),
                 QByteArray("000000\n000001\n"));
        QVERIFY(QFile::exists(out.filePath(QStringLiteral("image_2/000000.png"))));
        QVERIFY(writeReport.losses().empty());
        // Every line of the export is 15 fields, or 16 with a score.
        for (const QByteArray& line :
             readFile(out.filePath(QStringLiteral("label_2/000000.txt"))).trimmed().split('\n'))
            QCOMPARE(line.simplified().split(' ').size(), 15);
        // And it reads back to the same dataset.
        FormatReport again;
        const std::optional<Dataset> back =
            annotation::importDatasetNamed(QStringLiteral("kitti"), out.path(), again);
        QVERIFY2(back, qPrintable(errorsOf(again)));
        QCOMPARE(back->images.size(), data->images.size());
        for (size_t i = 0; i < back->images.size(); ++i)
            QCOMPARE(back->images[i].shapes, data->images[i].shapes);
    }

    void nestedImagePathsRoundTripThroughFlatFolders()
    {
        // Two images share a file name in different folders; one folder name holds a '%'.
        const QStringList paths{QStringLiteral("day1/cam0/000001.png"), QStringLiteral("day2/000001.png"),
                                QStringLiteral("50%/b.jpg")};
        QTemporaryDir root, out;
        Dataset data;
        const int car = data.ensureLabel(QStringLiteral("Car"));
        for (int i = 0; i < paths.size(); ++i) {
            QImage pixels(64, 48, QImage::Format_RGB888);
            pixels.fill(Qt::darkGray);
            QDir().mkpath(QFileInfo(root.filePath(paths[i])).absolutePath());
            QVERIFY(pixels.save(root.filePath(paths[i])));
            annotation::DatasetImage img;
            img.path = paths[i];
            img.width = 64;
            img.height = 48;
            annotation::Shape box;
            box.labelId = car;
            box.geometry = annotation::RectangleGeom{QRectF(1 + i, 2, 10, 20)};
            img.shapes = {box};
            data.images.push_back(img);
        }
        annotation::ExportOptions options;
        options.imageRoot = root.path();
        options.split = QStringLiteral("train");
        FormatReport writeReport;
        QVERIFY2(
            annotation::exportDatasetNamed(QStringLiteral("kitti"), data, out.path(), options, writeReport),
            qPrintable(errorsOf(writeReport)));
        // KITTI's layout: label_2/ and image_2/ hold files only, one frame name each.
        QCOMPARE(QDir(out.filePath(QStringLiteral("label_2"))).entryList(QDir::Files, QDir::Name),
                 (QStringList{QStringLiteral("50%25%2Fb.txt"), QStringLiteral("day1%2Fcam0%2F000001.txt"),
                              QStringLiteral("day2%2F000001.txt")}));
        QVERIFY(QDir(out.filePath(QStringLiteral("label_2")))
                    .entryList(QDir::Dirs | QDir::NoDotAndDotDot)
                    .isEmpty());
        QVERIFY(QDir(out.filePath(QStringLiteral("image_2")))
                    .entryList(QDir::Dirs | QDir::NoDotAndDotDot)
                    .isEmpty());
        QVERIFY(QFile::exists(out.filePath(QStringLiteral("image_2/day1%2Fcam0%2F000001.png"))));
        QVERIFY(QFile::exists(out.filePath(QStringLiteral("image_2/50%25%2Fb.jpg"))));
        QCOMPARE(readFile(out.filePath(QStringLiteral("ImageSets/train.txt"))),
                 QByteArray("day1%2Fcam0%2F000001\nday2%2F000001\n50%25%2Fb\n"));
        // Reading it back gives each image its folders again, with its own boxes and size.
        FormatReport readReport;
        const std::optional<Dataset> back =
            annotation::importDatasetNamed(QStringLiteral("kitti"), out.path(), readReport);
        QVERIFY2(back, qPrintable(errorsOf(readReport)));
        QHash<QString, const annotation::DatasetImage*> byPath;
        for (const annotation::DatasetImage& img : back->images)
            byPath.insert(img.path, &img);
        QCOMPARE(byPath.size(), paths.size());
        for (size_t i = 0; i < data.images.size(); ++i) {
            const annotation::DatasetImage* img = byPath.value(data.images[i].path);
            QVERIFY2(img, qPrintable(data.images[i].path));
            QCOMPARE(img->width, 64);
            QCOMPARE(img->height, 48);
            QCOMPARE(img->shapes.size(), size_t(1));
            QCOMPARE(std::get<annotation::RectangleGeom>(img->shapes[0].geometry).rect,
                     std::get<annotation::RectangleGeom>(data.images[i].shapes[0].geometry).rect);
        }
    }

    void exportReportsWhatKittiCannotHold()
    {
        Dataset data;
        annotation::DatasetImage img;
        img.path = QStringLiteral("frames/a.png");
        img.width = 64;
        img.height = 48;
        annotation::Shape poly;
        poly.labelId = data.ensureLabel(QStringLiteral("traffic sign"));
        poly.geometry = annotation::PolygonGeom{QPolygonF({QPointF(10, 5), QPointF(30, 8), QPointF(20, 25)})};
        poly.attributes.insert(QStringLiteral("colour"), QStringLiteral("red"));
        annotation::Shape point;
        point.labelId = data.ensureLabel(QStringLiteral("Car"));
        point.geometry = annotation::PointGeom{QPointF(3, 4)};
        img.shapes = {poly, point};
        data.images.push_back(img);
        QTemporaryDir out;
        FormatReport report;
        QVERIFY2(annotation::exportDatasetNamed(QStringLiteral("kitti"), data, out.path(), {}, report),
                 qPrintable(errorsOf(report)));
        QCOMPARE(report.convertedCount(QStringLiteral("polygon")), qsizetype(1));
        QCOMPARE(report.droppedCount(QStringLiteral("point")), qsizetype(1));
        QCOMPARE(report.droppedCount(QStringLiteral("field:attributes")), qsizetype(1));
        QCOMPARE(report.convertedCount(QStringLiteral("field:label")), qsizetype(1));
        QCOMPARE(readFile(out.filePath(QStringLiteral("label_2/frames%2Fa.txt"))),
                 QByteArray("traffic_sign 0.00 0 -10.00 10.00 5.00 30.00 25.00 -1.00 -1.00 -1.00 -1000.00 "
                            "-1000.00 -1000.00 -10.00\n"));
    }

    void badFilesAreRefusedNamingFileAndLine_data()
    {
        QTest::addColumn<QByteArray>("frame");
        QTest::addColumn<QString>("place");
        QTest::addColumn<QString>("message");
        QTest::newRow("14 fields") << QByteArray("Car 0 0 0 1 2 3 4 1 1 1 0 0 0\n")
                                   << QStringLiteral("line 1") << QStringLiteral("14 fields");
        QTest::newRow("not a number")
            << QByteArray("\nCar 0 0 0 1 2 x 4 1 1 1 0 0 0 0\n") << QStringLiteral("line 2")
            << QStringLiteral("field 7 (right) is not a number: 'x'");
        QTest::newRow("inverted box") << QByteArray("Car 0 0 0 50 2 30 4 1 1 1 0 0 0 0\n")
                                      << QStringLiteral("line 1") << QStringLiteral("right < left");
        QTest::newRow("outside the image")
            << QByteArray("Car 0 0 0 50 2 330 4 1 1 1 0 0 0 0\n") << QStringLiteral("line 1")
            << QStringLiteral("outside the 200 x 100 image");
    }

    void badFilesAreRefusedNamingFileAndLine()
    {
        QFETCH(QByteArray, frame);
        QFETCH(QString, place);
        QFETCH(QString, message);
        QTemporaryDir dir;
        makeDataset(dir.path(), frame);
        FormatReport report;
        QVERIFY(!annotation::importDatasetNamed(QStringLiteral("kitti"), dir.path(), report));
        QVERIFY(!report.errors().empty());
        const FormatReport::Issue& e = report.errors().front();
        QCOMPARE(e.file, dir.filePath(QStringLiteral("label_2/000000.txt")));
        QCOMPARE(e.place, place);
        QVERIFY2(e.message.contains(message), qPrintable(e.message));
    }

    void aFolderWithoutLabelsIsAClearError()
    {
        QTemporaryDir dir;
        FormatReport report;
        QVERIFY(!annotation::importDatasetNamed(QStringLiteral("kitti"), dir.path(), report));
        QVERIFY2(report.errors().front().message.contains(QStringLiteral("no label_2/ folder")),
                 qPrintable(errorsOf(report)));
    }

    void datasetImporterListsImagesAndLabels()
    {
        QTemporaryDir dir;
        makeDataset(dir.path() + QStringLiteral("/training"));
        const std::optional<core::DatasetImporterEntry> importer = core::datasetImporterFor(dir.path());
        QVERIFY(importer);
        QCOMPARE(importer->name, QStringLiteral("kitti"));
        QString error;
        const std::optional<core::DatasetScan> scan = importer->scan(dir.path(), &error);
        QVERIFY2(scan, qPrintable(error));
        QCOMPARE(scan->images, (QStringList{dir.filePath(QStringLiteral("training/image_2/000000.png")),
                                            dir.filePath(QStringLiteral("training/image_2/000001.png"))}));
        QCOMPARE(scan->annotationFormat, QStringLiteral("kitti"));
        FormatReport report;
        QVERIFY(annotation::importDatasetNamed(scan->annotationFormat, scan->annotationPath, report));
        QTemporaryDir empty;
        QVERIFY(!core::datasetImporterFor(empty.path()));
    }
};

QTEST_GUILESS_MAIN(TestKitti)
#include "tst_kitti.moc"
