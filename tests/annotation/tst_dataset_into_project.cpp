// SPDX-License-Identifier: MIT
// importDatasetIntoProject: the step after a reader, shared by the built-in and the registered formats.
// A 0 x 0 image (a format that stores no sizes, read without its images) lands at the project's size;
// any other size must match the project's, and one wrong image leaves the project unchanged.
#include "annotation/bridge/projectimport.h"
#include "memoryproject.h"
#include "sampledataset.h"

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
};

QTEST_GUILESS_MAIN(TestDatasetIntoProject)
#include "tst_dataset_into_project.moc"
