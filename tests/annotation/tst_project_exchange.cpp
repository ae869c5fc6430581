// SPDX-License-Identifier: MIT
// Export from and import into a project through ProjectAccess, with an in-memory project.
#include "annotation/bridge/projectexchange.h"
#include "memoryproject.h"
#include "sampledataset.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <map>

using namespace loupe::annotation;
using loupe::annotation::test::MemoryProject;
using loupe::annotation::test::sampleProject;

namespace {

QJsonObject readJson(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object() : QJsonObject();
}

} // namespace

class TestProjectExchange : public QObject
{
    Q_OBJECT
private slots:
    void exportSplitAndLabels()
    {
        QTemporaryDir dir;
        MemoryProject p = sampleProject(dir.path());
        test::writeSampleImages(test::sampleDataset(), dir.path());
        ProjectExportOptions o;
        o.format = Format::Coco;
        o.outDir = dir.filePath(QStringLiteral("out"));
        o.split = QStringLiteral("train");
        o.labels = {QStringLiteral("dog"), QStringLiteral("cat")};
        FormatReport r;
        QVERIFY2(exportProject(p, o, r), qPrintable(r.toText()));
        const QJsonObject coco = readJson(o.outDir + QStringLiteral("/annotations/instances_train.json"));
        // The images of the split are copied under images/, where file_name points.
        QVERIFY(QFile::exists(o.outDir + QStringLiteral("/images/imgs/a.png")));
        QVERIFY(!QFile::exists(o.outDir + QStringLiteral("/images/b.png")));
        QCOMPARE(coco.value(QStringLiteral("images")).toArray().size(),
                 1); // the val image is not in the split
        const QJsonArray cats = coco.value(QStringLiteral("categories")).toArray();
        QCOMPARE(cats.size(), 2);
        QCOMPARE(cats[0].toObject().value(QStringLiteral("name")).toString(), QStringLiteral("dog"));
        QCOMPARE(cats[0].toObject().value(QStringLiteral("id")).toInt(), 1);
        // dog: polygon + mask; cat: rectangle + rotated rectangle (as polygon); cat's point is dropped.
        QCOMPARE(coco.value(QStringLiteral("annotations")).toArray().size(), 4);
        QCOMPARE(r.droppedCount(QStringLiteral("keypoints")), qsizetype(1)); // person left out by --labels
        QCOMPARE(r.droppedCount(QStringLiteral("point")), qsizetype(1));
    }
    void exportRefusesUnknownLabel()
    {
        QTemporaryDir dir;
        MemoryProject p = sampleProject(dir.path());
        ProjectExportOptions o;
        o.outDir = dir.filePath(QStringLiteral("out"));
        o.labels = {QStringLiteral("zebra")};
        FormatReport r;
        QVERIFY(!exportProject(p, o, r));
        QVERIFY(!QDir(o.outDir).exists());
    }
    void importMatchesAndAddsInOneGo()
    {
        QTemporaryDir dir;
        // Annotations made elsewhere: the sample as CVAT, whose image paths the project shares.
        FormatReport er;
        const Dataset sample = test::sampleDataset();
        QVERIFY(exportDataset(Format::Cvat, sample, dir.filePath(QStringLiteral("cvat")), {}, er));
        MemoryProject p = sampleProject(dir.path());
        p.shapes.clear();
        p.labelDefs.resize(1); // only "cat" exists; the others get created
        // cat declares "difficult" as a choice the sample's value (true) is not.
        p.labelDefs[0].attributes.push_back(
            {QStringLiteral("difficult"), AttributeSpec::Type::Choice, {QStringLiteral("yes")}, {}});
        FormatReport r;
        QVERIFY2(importIntoProject(p, Format::Cvat, dir.filePath(QStringLiteral("cvat")), r),
                 qPrintable(r.toText()));
        QCOMPARE(p.shapeCount(), qsizetype(8)); // all but the caption, which CVAT cannot hold
        QCOMPARE(p.labelDefs.size(), size_t(4));
        QCOMPARE(p.shapes[10].front().labelId, qint64(5)); // cat resolved to the existing label
        QVERIFY(p.shapes[10].front().created.isValid());
        QVERIFY(p.shapes.count(11) == 0);
        QCOMPARE(r.warnings().size(), size_t(1));
        QVERIFY(r.warnings().front().message.contains(QLatin1String("\"difficult\" must be one of yes")));
        QCOMPARE(p.shapes[10].front().attributes.value(QStringLiteral("difficult")).toBool(), true); // kept
    }
    void importWithSizeMismatchChangesNothing()
    {
        QTemporaryDir dir;
        FormatReport er;
        QVERIFY(
            exportDataset(Format::Coco, test::sampleDataset(), dir.filePath(QStringLiteral("coco")), {}, er));
        MemoryProject p = sampleProject(dir.path());
        p.shapes.clear();
        p.imgs[0].width = 41;
        FormatReport r;
        QVERIFY(!importIntoProject(p, Format::Coco, dir.filePath(QStringLiteral("coco")), r));
        QCOMPARE(p.shapeCount(), qsizetype(0));
        QVERIFY(r.errors().front().message.contains(QLatin1String("40 x 30")));
    }
    void importReportsUnmatchedAndStoreFailure()
    {
        QTemporaryDir dir;
        FormatReport er;
        QVERIFY(
            exportDataset(Format::Coco, test::sampleDataset(), dir.filePath(QStringLiteral("coco")), {}, er));
        MemoryProject p = sampleProject(dir.path());
        p.shapes.clear();
        p.imgs.pop_back(); // b.png is not in this project
        FormatReport r;
        QVERIFY(importIntoProject(p, Format::Coco, dir.filePath(QStringLiteral("coco")), r));
        QCOMPARE(r.droppedCount(QStringLiteral("image")), qsizetype(1));
        QVERIFY(r.warnings().front().place.contains(QLatin1String("b.png")));
        p.shapes.clear();
        p.refuse = true;
        FormatReport r2;
        QVERIFY(!importIntoProject(p, Format::Coco, dir.filePath(QStringLiteral("coco")), r2));
        QVERIFY(r2.errors().front().message.contains(QLatin1String("nothing was changed")));
        QCOMPARE(p.shapeCount(), qsizetype(0));
        // Malformed input names the file and changes nothing.
        QFile bad(dir.filePath(QStringLiteral("bad.json")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("{\"images\": [");
        bad.close();
        p.refuse = false;
        FormatReport r3;
        QVERIFY(!importIntoProject(p, Format::Coco, bad.fileName(), r3));
        QVERIFY(r3.errors().front().file.endsWith(QLatin1String("bad.json")));
        QCOMPARE(p.shapeCount(), qsizetype(0));
    }
};

QTEST_MAIN(TestProjectExchange)
#include "tst_project_exchange.moc"
