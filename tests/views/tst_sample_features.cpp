// SPDX-License-Identifier: MIT
// The sample project shows its features on first open: Explanation Quality finds every image with a
// polygon or mask (it used to say "no image has a polygon or mask annotation"), and Review has model
// proposals waiting (it used to say "Nothing to review").
#include "annotation/bridge/projectstoreaccess.h"
#include "annotation/bridge/sampleannotations.h"
#include "annotation/review/reviewqueue.h"
#include "core/samples/createsampleproject.h"
#include "core/samples/sampleproject.h"
#include "core/store/project.h"
#include "views/quality/datasetqualitysource.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace loupe;

class TestSampleFeatures : public QObject
{
    Q_OBJECT
private slots:
    void qualityAndReviewHaveSomethingToShow()
    {
        QTemporaryDir dir;
        QString error;
        const QString path = annotation::prepareSampleProject(dir.path(), &error);
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        std::unique_ptr<core::Project> project = core::Project::open(path, &error);
        QVERIFY2(project, qPrintable(error));

        int skipped = -1;
        const core::QualitySource source = views::projectQualitySource(*project, &error, &skipped);
        QVERIFY2(source.count > 0, qPrintable(error));
        QCOMPARE(source.count, core::kSampleImageCount);
        QCOMPARE(skipped, 0);

        annotation::ProjectStoreAccess access(*project);
        std::vector<annotation::Shape> shapes;
        for (const annotation::ProjectImage& im : access.images())
            for (const annotation::Shape& s : access.shapesOf(im.id))
                shapes.push_back(s);
        QVERIFY(!annotation::reviewOrder(shapes, annotation::ReviewOrder::LowestScoreFirst).empty());
    }

    void labelsOnlySampleHadNothing()
    {
        // What the window got before: the same check fails on a sample made by core alone.
        QTemporaryDir dir;
        QString error;
        const QString path = core::createSampleProject(dir.path(), &error);
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        std::unique_ptr<core::Project> project = core::Project::open(path, &error);
        const core::QualitySource source = views::projectQualitySource(*project, &error);
        QCOMPARE(source.count, 0);
        QVERIFY2(error.contains(QStringLiteral("no polygon or mask")), qPrintable(error));
    }
};

QTEST_MAIN(TestSampleFeatures)
#include "tst_sample_features.moc"
