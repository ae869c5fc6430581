// SPDX-License-Identifier: MIT
// The sample project opens with shapes: the generator's polygons and ring masks, a few model proposals
// waiting for review and the rest accepted; a labels-only sample from an older version is brought up
// to date on open, and opening again never duplicates the shapes.
#include "annotation/bridge/projectstoreaccess.h"
#include "annotation/bridge/sampleannotations.h"
#include "annotation/review/reviewqueue.h"
#include "core/samples/createsampleproject.h"
#include "core/samples/sampleproject.h"
#include "core/samples/shapesworld.h"
#include "core/store/project.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace loupe;
using namespace loupe::annotation;

namespace {

std::vector<Shape> allShapes(const QString& path)
{
    QString error;
    std::unique_ptr<core::Project> project = core::Project::open(path, &error);
    if (!project) return {};
    ProjectStoreAccess access(*project);
    std::vector<Shape> out;
    for (const ProjectImage& im : access.images())
        for (const Shape& s : access.shapesOf(im.id))
            out.push_back(s);
    return out;
}

int objectsOf(core::ShapeClass cls, bool wanted)
{
    const core::ShapesWorld world(core::kSampleSeed);
    int n = 0;
    for (int i = 0; i < core::kSampleImageCount; ++i)
        for (const core::ShapeObject& o : world.generate(i).objects)
            n += (o.cls == cls) == wanted;
    return n;
}

} // namespace

class TestSampleAnnotations : public QObject
{
    Q_OBJECT
private slots:
    void newSampleHasEveryKindOfShape()
    {
        QTemporaryDir dir;
        QString error;
        const QString path = prepareSampleProject(dir.filePath(QStringLiteral("sample")), &error);
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        const std::vector<Shape> shapes = allShapes(path);
        int polygons = 0, masks = 0, proposals = 0, accepted = 0;
        for (const Shape& s : shapes) {
            polygons += s.kind() == ShapeKind::Polygon;
            masks += s.kind() == ShapeKind::Mask;
            if (s.source == ShapeSource::Model) {
                QVERIFY(s.score.has_value());
                QVERIFY(*s.score > 0.0 && *s.score < 1.0);
                QCOMPARE(s.review, ReviewState::New);
                ++proposals;
            } else {
                QVERIFY(!s.score.has_value());
                QCOMPARE(s.review, ReviewState::Accepted);
                ++accepted;
            }
        }
        QCOMPARE(polygons, objectsOf(core::ShapeClass::Ring, false));
        QCOMPARE(masks, objectsOf(core::ShapeClass::Ring, true));
        QVERIFY(masks > 0);
        QVERIFY(proposals > 0);
        QVERIFY(accepted > proposals);
        // Review has something to walk, least certain first.
        const std::vector<qint64> order = reviewOrder(shapes, ReviewOrder::LowestScoreFirst);
        QCOMPARE(int(order.size()), proposals);
        // No label was added: the six shape labels name every shape.
        std::unique_ptr<core::Project> project = core::Project::open(path, &error);
        QCOMPARE(project->labels().size(), 6);
    }

    void olderLabelsOnlySampleIsBroughtUpToDateOnce()
    {
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("sample"));
        QString error;
        // What earlier versions made: images and label names, no shapes, no masks file.
        const QString path = core::createSampleProject(folder, &error);
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        QVERIFY(QFile::remove(QDir(folder).filePath(QStringLiteral("masks.json"))));
        QVERIFY(allShapes(path).empty());

        QCOMPARE(prepareSampleProject(folder, &error), path);
        const size_t first = allShapes(path).size();
        QVERIFY(first > 0);
        QVERIFY(QFile::exists(QDir(folder).filePath(QStringLiteral("masks.json"))));
        QCOMPARE(prepareSampleProject(folder, &error), path);
        QCOMPARE(allShapes(path).size(), first);
    }

    void addingTwiceAddsNothing()
    {
        QTemporaryDir dir;
        QString error;
        const QString path = prepareSampleProject(dir.path(), &error);
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        std::unique_ptr<core::Project> project = core::Project::open(path, &error);
        const core::SampleContent content = core::writeSampleContent(dir.path());
        QCOMPARE(addSampleAnnotations(*project, content, &error), 0);
    }

    void brokenAnnotationsFileChangesNothing()
    {
        QTemporaryDir dir;
        QString error;
        const QString path = core::createSampleProject(dir.path(), &error);
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        core::SampleContent content = core::writeSampleContent(dir.path());
        QFile f(content.masksPath);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write("{\"images\": [");
        f.close();
        std::unique_ptr<core::Project> project = core::Project::open(path, &error);
        QCOMPARE(addSampleAnnotations(*project, content, &error), -1);
        QVERIFY2(error.contains(QStringLiteral("masks.json")), qPrintable(error));
        project.reset();
        QVERIFY(allShapes(path).empty());
    }
};

QTEST_MAIN(TestSampleAnnotations)
#include "tst_sample_annotations.moc"
