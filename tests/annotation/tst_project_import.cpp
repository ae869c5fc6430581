// SPDX-License-Identifier: MIT
// importIntoProject with options: re-imports skip what the project already has, relative paths work,
// and masks are checked against the project's images.
#include "annotation/bridge/projectimport.h"
#include "annotation/dataset/sameshape.h"
#include "memoryproject.h"
#include "sampledataset.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe::annotation;
using loupe::annotation::test::MemoryProject;
using loupe::annotation::test::sampleProject;

class TestProjectImport : public QObject
{
    Q_OBJECT
private slots:
    void reimportSkipsDuplicates()
    {
        QTemporaryDir dir;
        FormatReport er;
        QVERIFY(
            exportDataset(Format::Cvat, test::sampleDataset(), dir.filePath(QStringLiteral("cvat")), {}, er));
        MemoryProject p = sampleProject(dir.path());
        p.shapes.clear();
        ProjectImportOptions o;
        o.format = Format::Cvat;
        o.path = dir.filePath(QStringLiteral("cvat"));
        FormatReport r1;
        QVERIFY2(importIntoProject(p, o, r1), qPrintable(r1.toText()));
        QCOMPARE(p.shapeCount(), qsizetype(8)); // all but the caption, which CVAT cannot hold
        QCOMPARE(duplicatesSkipped(r1), qsizetype(0));

        FormatReport r2;
        QVERIFY2(importIntoProject(p, o, r2), qPrintable(r2.toText()));
        QCOMPARE(p.shapeCount(), qsizetype(8));
        QCOMPARE(duplicatesSkipped(r2), qsizetype(8));
        QVERIFY2(r2.toText().contains(QLatin1String("8 duplicates skipped")), qPrintable(r2.toText()));

        // A shape moved by more than the epsilon is not a duplicate; one moved by float noise is.
        auto rect = std::find_if(p.shapes[10].begin(), p.shapes[10].end(),
                                 [](const Shape& s) { return s.kind() == ShapeKind::Rectangle; });
        QVERIFY(rect != p.shapes[10].end());
        rect->geometry = RectangleGeom{std::get<RectangleGeom>(rect->geometry).rect.translated(0.5, 0)};
        FormatReport r3;
        QVERIFY(importIntoProject(p, o, r3));
        QCOMPARE(duplicatesSkipped(r3), qsizetype(7));
        QCOMPARE(p.shapeCount(), qsizetype(9));

        o.keepDuplicates = true;
        FormatReport r4;
        QVERIFY(importIntoProject(p, o, r4));
        QCOMPARE(duplicatesSkipped(r4), qsizetype(0));
        QCOMPARE(p.shapeCount(), qsizetype(17));
    }
    void sameGeometryWithinEpsilon()
    {
        Shape a = test::shapeOf(0, RectangleGeom{QRectF(1, 2, 3, 4)});
        Shape b = test::shapeOf(0, RectangleGeom{QRectF(1 + 1e-6, 2, 3, 4)});
        Shape c = test::shapeOf(0, RectangleGeom{QRectF(1.01, 2, 3, 4)});
        Shape d = test::shapeOf(0, PolygonGeom{QPolygonF(QRectF(1, 2, 3, 4))});
        QVERIFY(sameGeometry(a, b));
        QVERIFY(!sameGeometry(a, c));
        QVERIFY(!sameGeometry(a, d));
    }
    void relativePathFromTheCurrentDirectory()
    {
        QTemporaryDir dir;
        FormatReport er;
        ExportOptions eo;
        eo.imageRoot = dir.filePath(QStringLiteral("imgs"));
        const Dataset sample = test::sampleDataset();
        test::writeSampleImages(sample, eo.imageRoot);
        QVERIFY2(exportDataset(Format::Yolo, sample, dir.filePath(QStringLiteral("yolo")), eo, er),
                 qPrintable(er.toText()));
        MemoryProject p = sampleProject(dir.path());
        p.shapes.clear();
        const QString before = QDir::currentPath();
        QVERIFY(QDir::setCurrent(dir.path()));
        ProjectImportOptions o;
        o.format = Format::Yolo;
        o.path = QStringLiteral("yolo");
        FormatReport r;
        const bool ok = importIntoProject(p, o, r);
        QDir::setCurrent(before);
        QVERIFY2(ok, qPrintable(r.toText()));
        QVERIFY2(p.shapeCount() > 0, qPrintable(r.toText()));
    }
};

QTEST_MAIN(TestProjectImport)
#include "tst_project_import.moc"
