// SPDX-License-Identifier: MIT
// importDatasetIntoProject: the step after a reader, shared by the built-in and the registered formats.
// A 0 x 0 image (a format that stores no sizes, read without its images) lands at the project's size;
// any other size must match the project's, and one wrong image leaves the project unchanged.
#include "annotation/bridge/projectimport.h"
#include "memoryproject.h"
#include "sampledataset.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe::annotation;
using loupe::annotation::test::MemoryProject;
using loupe::annotation::test::sampleProject;

namespace {

// The sample dataset with every image's size unknown.
Dataset unsizedSample()
{
    Dataset d = test::sampleDataset();
    for (DatasetImage& im : d.images)
        im.width = im.height = 0;
    return d;
}

ProjectImportOptions optionsFor(const QString& path)
{
    ProjectImportOptions o;
    o.path = path;
    return o;
}

// Rewrites every file under dir with edit.
void editFiles(const QString& dir, const std::function<QByteArray(QByteArray)>& edit)
{
    QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray edited = edit(f.readAll());
        f.close();
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(edited);
    }
}

// Sets the named size keys of every JSON object that has them (COCO's images, LabelMe's files) to 0.
QJsonValue zeroSizes(QJsonValue v, const QString& w, const QString& h)
{
    if (v.isArray()) {
        QJsonArray a = v.toArray();
        for (qsizetype i = 0; i < a.size(); ++i)
            a[i] = zeroSizes(a.at(i), w, h);
        return a;
    }
    if (!v.isObject()) return v;
    QJsonObject o = v.toObject();
    for (auto it = o.begin(); it != o.end(); ++it)
        it.value() = zeroSizes(it.value(), w, h);
    if (o.contains(w) && o.contains(h)) o[w] = o[h] = 0;
    return o;
}

QByteArray zeroJsonSizes(const QByteArray& bytes, const QString& w, const QString& h)
{
    const QJsonDocument doc = QJsonDocument::fromJson(bytes);
    if (doc.isNull()) return bytes;
    const QJsonValue v = zeroSizes(doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object()), w, h);
    return v.isArray() ? QJsonDocument(v.toArray()).toJson() : QJsonDocument(v.toObject()).toJson();
}

QByteArray replaceAll(QByteArray bytes, const QString& pattern, const QString& with)
{
    return QString::fromUtf8(bytes).replace(QRegularExpression(pattern), with).toUtf8();
}

} // namespace

class TestDatasetIntoProject : public QObject
{
    Q_OBJECT
private slots:
    void unsizedImagesTakeTheProjectsSize()
    {
        MemoryProject p = sampleProject(QStringLiteral("/nowhere"));
        p.shapes.clear();
        FormatReport r;
        QVERIFY2(importDatasetIntoProject(p, unsizedSample(), optionsFor(QStringLiteral("labels")), r),
                 qPrintable(r.toText()));
        QVERIFY2(!r.hasErrors(), qPrintable(r.toText()));
        QCOMPARE(p.shapeCount(), qsizetype(test::sampleDataset().images[0].shapes.size()));
        QCOMPARE(p.shapesOf(10).size(), test::sampleDataset().images[0].shapes.size());
        for (const Shape& s : p.shapesOf(10))
            QCOMPARE(s.imageId, qint64(10));
    }
    void sizedImagesStillMatchAndDuplicatesAreSkipped()
    {
        MemoryProject p = sampleProject(QStringLiteral("/nowhere"));
        const qsizetype before = p.shapeCount();
        FormatReport r;
        QVERIFY2(importDatasetIntoProject(p, test::sampleDataset(), optionsFor(QStringLiteral("labels")), r),
                 qPrintable(r.toText()));
        QCOMPARE(p.shapeCount(), before);
        QCOMPARE(duplicatesSkipped(r), before);

        // The same shapes without sizes are the same shapes.
        FormatReport r2;
        QVERIFY(importDatasetIntoProject(p, unsizedSample(), optionsFor(QStringLiteral("labels")), r2));
        QCOMPARE(duplicatesSkipped(r2), before);
        QCOMPARE(p.shapeCount(), before);
    }
    void aWrongSizeNamesTheImageAndChangesNothing()
    {
        MemoryProject p = sampleProject(QStringLiteral("/nowhere"));
        p.shapes.clear();
        Dataset d = unsizedSample();
        d.images[1].width = 21; // b.png is 20 x 10 in the project
        d.images[1].height = 10;
        FormatReport r;
        QVERIFY(!importDatasetIntoProject(p, d, optionsFor(QStringLiteral("labels")), r));
        QCOMPARE(p.shapeCount(), qsizetype(0));
        QVERIFY2(r.toText().contains(QLatin1String("labels")), qPrintable(r.toText()));
        QVERIFY2(r.toText().contains(
                     QLatin1String("annotated as 21 x 10 but the project's image \"b.png\" is 20 x 10")),
                 qPrintable(r.toText()));
    }
    void onlyBothSidesZeroMeanUnknown()
    {
        MemoryProject p = sampleProject(QStringLiteral("/nowhere"));
        p.shapes.clear();
        Dataset d = unsizedSample();
        d.images[0].height = 30; // 0 x 30 is a wrong size, not an unknown one
        FormatReport r;
        QVERIFY(!importDatasetIntoProject(p, d, optionsFor(QStringLiteral("labels")), r));
        QCOMPARE(p.shapeCount(), qsizetype(0));
        QVERIFY2(r.toText().contains(QLatin1String("annotated as 0 x 30")), qPrintable(r.toText()));
    }
    void aRefusingStoreIsReported()
    {
        MemoryProject p = sampleProject(QStringLiteral("/nowhere"));
        p.shapes.clear();
        p.refuse = true;
        FormatReport r;
        QVERIFY(!importDatasetIntoProject(p, unsizedSample(), optionsFor(QStringLiteral("labels")), r));
        QVERIFY2(r.toText().contains(
                     QLatin1String("the project refused the import, nothing was changed: disk full")),
                 qPrintable(r.toText()));
    }
    void importIntoProjectWithHandsTheReaderTheProjectsImages()
    {
        MemoryProject p = sampleProject(QStringLiteral("/nowhere"));
        p.shapes.clear();
        ProjectImportOptions o = optionsFor(QStringLiteral("labels"));
        o.emptyLabel = QStringLiteral("thing");
        bool called = false;
        FormatReport r;
        QVERIFY2(importIntoProjectWith(
                     p, o, r,
                     [&](const ImportOptions& io) -> std::optional<Dataset> {
                         called = true;
                         [&] {
                             QVERIFY(io.target);
                             QCOMPARE(io.target->sizeOf(QStringLiteral("b.png")).value_or(QSize()),
                                      QSize(20, 10));
                             QVERIFY(!io.target->sizeOf(QStringLiteral("c.png")));
                             QCOMPARE(io.emptyLabel, QStringLiteral("thing"));
                         }();
                         return unsizedSample();
                     }),
                 qPrintable(r.toText()));
        QVERIFY(called);
        QCOMPARE(p.shapeCount(), qsizetype(test::sampleDataset().images[0].shapes.size()));

        // A reader that fails writes nothing.
        MemoryProject q = sampleProject(QStringLiteral("/nowhere"));
        q.shapes.clear();
        FormatReport r2;
        QVERIFY(
            !importIntoProjectWith(q, o, r2, [](const ImportOptions&) { return std::optional<Dataset>(); }));
        QCOMPARE(q.shapeCount(), qsizetype(0));
    }
    // A 0 x 0 image never reaches importDatasetIntoProject from a built-in format: each reader refuses it,
    // so importIntoProject behaves as it did before sizes could be unknown.
    void builtInReadersRefuseZeroSizes_data()
    {
        QTest::addColumn<int>("format");
        QTest::newRow("coco") << int(Format::Coco);
        QTest::newRow("labelme") << int(Format::Labelme);
        QTest::newRow("voc") << int(Format::Voc);
        QTest::newRow("cvat") << int(Format::Cvat);
    }
    void builtInReadersRefuseZeroSizes()
    {
        QFETCH(int, format);
        const Format f = Format(format);
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("out"));
        FormatReport er;
        QVERIFY2(exportDataset(f, test::sampleDataset(), out, {}, er), qPrintable(er.toText()));
        ProjectImportOptions o;
        o.format = f;
        o.path = out;
        {
            // As written, the file imports: what the edit below breaks is the size alone.
            MemoryProject p = sampleProject(dir.path());
            p.shapes.clear();
            FormatReport r;
            QVERIFY2(importIntoProject(p, o, r), qPrintable(r.toText()));
            QVERIFY(p.shapeCount() > 0);
        }
        switch (f) {
        case Format::Coco:
            editFiles(out, [](QByteArray b) {
                return zeroJsonSizes(b, QStringLiteral("width"), QStringLiteral("height"));
            });
            break;
        case Format::Labelme:
            editFiles(out, [](QByteArray b) {
                return zeroJsonSizes(b, QStringLiteral("imageWidth"), QStringLiteral("imageHeight"));
            });
            break;
        case Format::Voc:
            editFiles(out, [](QByteArray b) {
                b = replaceAll(b, QStringLiteral("<width>\\d+</width>"), QStringLiteral("<width>0</width>"));
                return replaceAll(b, QStringLiteral("<height>\\d+</height>"),
                                  QStringLiteral("<height>0</height>"));
            });
            break;
        case Format::Cvat:
            editFiles(out, [](QByteArray b) {
                b = replaceAll(b, QStringLiteral("(<image [^>]*)width=\"\\d+\""),
                               QStringLiteral("\\1width=\"0\""));
                return replaceAll(b, QStringLiteral("(<image [^>]*)height=\"\\d+\""),
                                  QStringLiteral("\\1height=\"0\""));
            });
            break;
        case Format::Yolo:
            break; // sizes come from the image files, which cannot be 0 x 0
        }
        MemoryProject p = sampleProject(dir.path());
        p.shapes.clear();
        FormatReport r;
        QVERIFY2(!importIntoProject(p, o, r), qPrintable(r.toText()));
        QVERIFY2(r.toText().contains(QLatin1String("positive")), qPrintable(r.toText()));
        QCOMPARE(p.shapeCount(), qsizetype(0));
    }
};

QTEST_GUILESS_MAIN(TestDatasetIntoProject)
#include "tst_dataset_into_project.moc"
