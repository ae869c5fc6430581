// SPDX-License-Identifier: MIT
// Export from and import into a project through ProjectAccess, with an in-memory project.
#include "annotation/bridge/projectexchange.h"
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

namespace {

class MemoryProject : public ProjectAccess
{
public:
    QString root;
    std::vector<ProjectImage> imgs;
    std::vector<LabelDef> labelDefs;
    std::map<qint64, std::vector<Shape>> shapes;
    bool refuse = false;
    qint64 nextShapeId = 1;

    QString imageRoot() const override { return root; }
    std::vector<ProjectImage> images() const override { return imgs; }
    std::vector<LabelDef> labels() const override { return labelDefs; }
    std::vector<Shape> shapesOf(qint64 imageId) const override
    {
        const auto it = shapes.find(imageId);
        return it == shapes.end() ? std::vector<Shape>{} : it->second;
    }
    bool importShapes(const std::vector<ImportItem>& items, QString* error) override
    {
        if (refuse) {
            *error = QStringLiteral("disk full");
            return false;
        }
        for (const ImportItem& item : items) {
            Shape s = item.shape;
            s.id = nextShapeId++;
            if (item.label.isEmpty()) {
                s.labelId = 0;
            } else {
                auto it = std::find_if(labelDefs.begin(), labelDefs.end(),
                                       [&](const LabelDef& l) { return l.name == item.label; });
                if (it == labelDefs.end()) {
                    LabelDef l;
                    l.id = 100 + qint64(labelDefs.size());
                    l.name = item.label;
                    labelDefs.push_back(l);
                    it = std::prev(labelDefs.end());
                }
                s.labelId = it->id;
            }
            shapes[s.imageId].push_back(s);
        }
        return true;
    }
    qsizetype shapeCount() const
    {
        qsizetype n = 0;
        for (const auto& [id, v] : shapes)
            n += qsizetype(v.size());
        return n;
    }
};

// The sample dataset as a project: images 10 (train) and 11 (val), labels with ids 5..8.
MemoryProject sampleProject(const QString& root)
{
    const Dataset d = test::sampleDataset();
    MemoryProject p;
    p.root = root;
    for (size_t i = 0; i < d.labels.size(); ++i) {
        LabelDef l = d.labels[i];
        l.id = 5 + qint64(i);
        p.labelDefs.push_back(l);
    }
    for (size_t i = 0; i < d.images.size(); ++i) {
        const DatasetImage& im = d.images[i];
        p.imgs.push_back({10 + qint64(i), im.path, im.width, im.height,
                          i == 0 ? QStringLiteral("train") : QStringLiteral("val")});
        for (Shape s : im.shapes) {
            s.imageId = 10 + qint64(i);
            s.labelId = s.labelId >= 0 ? 5 + s.labelId : 0;
            s.id = p.nextShapeId++;
            p.shapes[s.imageId].push_back(s);
        }
    }
    return p;
}

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
        ProjectExportOptions o;
        o.format = Format::Coco;
        o.outDir = dir.filePath(QStringLiteral("out"));
        o.split = QStringLiteral("train");
        o.labels = {QStringLiteral("dog"), QStringLiteral("cat")};
        FormatReport r;
        QVERIFY2(exportProject(p, o, r), qPrintable(r.toText()));
        const QJsonObject coco = readJson(o.outDir + QStringLiteral("/annotations/instances_train.json"));
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
