// SPDX-License-Identifier: MIT
// Pre-labelling with a fake detector registered like a plugin's: proposals land as model shapes with
// their run, score and review state "new" (a polygon from a mask, else the box), one runs row per image
// with the model, checkpoint hash, detector name and parameters; running again skips what is done,
// other parameters run again, a cancel keeps what was committed, a bad image fails alone; images are
// decoded ahead with a bounded queue; as a Jobs-dock job it ends with the counts.
#include "annotation/assist/decodeahead.h"
#include "annotation/assist/prelabeljob.h"
#include "annotation/assist/proposalshapes.h"
#include "annotation/shapes/geometryjson.h"
#include "common/fakedetector.h"
#include "core/jobs/jobtracker.h"
#include "core/store/project.h"

#include <QFile>
#include <QImage>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <thread>

using namespace loupe;
using namespace loupe::annotation;

namespace {

qint64 scalar(core::Project& p, const QString& sql)
{
    core::Statement s = p.db().prepare(sql);
    return s.step() ? s.columnInt64(0) : -1;
}

} // namespace

class TestPrelabelJob : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_model;
    int m_n = 0;
    QList<qint64> m_images;
    qint64 m_cat = 0;

    std::unique_ptr<core::Project> makeProject(int images, QString* file)
    {
        *file = m_dir.filePath(QStringLiteral("p%1.loupe").arg(++m_n));
        QString error;
        auto p = core::Project::create(*file, &error);
        if (!p) return nullptr;
        QVector<core::AssetRecord> assets(images);
        for (int i = 0; i < images; ++i) {
            assets[i].absolutePath = m_dir.filePath(QStringLiteral("p%1_img%2.png").arg(m_n).arg(i));
            QImage img(64, 48, QImage::Format_RGB32);
            img.fill(QColor(10 * i, 20, 30));
            if (!img.save(assets[i].absolutePath)) return nullptr;
            assets[i].sha256Hex = QStringLiteral("%1%2").arg(m_n).arg(i, 63, 10, QLatin1Char('0'));
            assets[i].width = 64;
            assets[i].height = 48;
        }
        if (!p->addAssets(assets, &error)) return nullptr;
        m_images.clear();
        for (const core::AssetRow& a : p->assetPage({}, 0, 100))
            m_images << a.id;
        m_cat = p->addLabel({0, QStringLiteral("cat"), Qt::red, {}, 0}).value_or(0);
        p->addLabel({0, QStringLiteral("dog"), Qt::blue, {}, 1});
        return p;
    }

    PrelabelRequest request() const
    {
        PrelabelRequest r;
        r.modelFolder = m_model;
        r.assetIds = m_images;
        r.threshold = 0.5;
        return r;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_model = m_dir.filePath(QStringLiteral("fake-model"));
        QVERIFY(test::writeFakeCheckpoint(m_model));
        test::FakeDetector::registerIt();
    }

    void proposalsLandAsModelShapesWithTheirRun()
    {
        QString file;
        auto p = makeProject(3, &file);
        QVERIFY(p);
        const PrelabelReport r = runPrelabel(*p, request());
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.stored, 3);
        QCOMPARE(r.proposals, 6); // the dog scored below the threshold
        QCOMPARE(r.detector, QStringLiteral("Fake squares"));
        QVERIFY(!r.tags);
        QCOMPARE(scalar(*p, "SELECT COUNT(*) FROM runs WHERE kind = 'prelabel'"), 3);
        for (const core::RunRecord& run : p->runs(m_images.front(), QStringLiteral("prelabel"))) {
            QCOMPARE(run.modelPath, m_model);
            QCOMPARE(run.checkpointHash.size(), 64);
            QCOMPARE(run.parameters.value("detector").toString(), QStringLiteral("Fake squares"));
            QCOMPARE(run.parameters.value("detector_parameters").toObject().value("grid").toInt(), 4);
            QCOMPARE(run.parameters.value("threshold").toDouble(), 0.5);
            QVERIFY(run.durationMs >= 0);
            QCOMPARE(run.result.value("shapes").toInt(), 2);
        }
        core::Statement s = p->db().prepare(QStringLiteral(
            "SELECT a.source, a.run_id, a.score, a.review_state, a.label_id, a.geometry, r.asset_id "
            "FROM annotations a JOIN runs r ON r.id = a.run_id WHERE a.asset_id = ?1 ORDER BY a.score DESC"));
        s.bind(1, m_images.front());
        QVERIFY(s.step());
        QCOMPARE(s.columnText(0), QStringLiteral("model"));
        QCOMPARE(s.columnDouble(2), 0.9);
        QCOMPARE(s.columnInt64(3), qint64(ReviewState::New));
        QCOMPARE(s.columnInt64(4), m_cat);
        QCOMPARE(s.columnInt64(6), m_images.front()); // the run is this image's
        QString error;
        auto g = geometryFromBytes(s.columnText(5).toUtf8(), &error);
        QVERIFY2(g && std::holds_alternative<PolygonGeom>(*g), qPrintable(error));
        QCOMPARE(std::get<PolygonGeom>(*g).points.boundingRect(), QRectF(10, 10, 20, 20));
        QVERIFY(s.step()); // the unknown name: kept, without a label, as its box
        QCOMPARE(s.columnDouble(2), 0.7);
        QVERIFY(s.columnIsNull(4));
        g = geometryFromBytes(s.columnText(5).toUtf8(), &error);
        QVERIFY(g && std::holds_alternative<RectangleGeom>(*g));
        QCOMPARE(std::get<RectangleGeom>(*g).rect, QRectF(40, 5, 10, 6));
        QVERIFY(!s.step());
        // Proposals are model output, not undo steps.
        QCOMPARE(scalar(*p, "SELECT COUNT(*) FROM undo_log WHERE sql LIKE '%annotations%'"), 0);
    }

    void resumeSkipsWhatIsDoneAndOtherParametersRunAgain()
    {
        QString file;
        auto p = makeProject(2, &file);
        QVERIFY(p);
        QCOMPARE(runPrelabel(*p, request()).stored, 2);
        const int calls = test::FakeDetector::calls();
        QList<int> seen;
        const PrelabelReport again = runPrelabel(*p, request(), [&](int done, int) { seen << done; });
        QCOMPARE(again.stored, 0);
        QCOMPARE(again.skipped, 2);
        QCOMPARE(seen, (QList<int>{1, 2}));
        QCOMPARE(int(test::FakeDetector::calls()), calls);
        QCOMPARE(scalar(*p, "SELECT COUNT(*) FROM annotations"), 4);
        PrelabelRequest lower = request();
        lower.threshold = 0.3;
        const PrelabelReport other = runPrelabel(*p, lower);
        QCOMPARE(other.stored, 2);
        QCOMPARE(other.proposals, 6);
    }

    void cancelKeepsWhatWasCommitted()
    {
        QString file;
        auto p = makeProject(5, &file);
        QVERIFY(p);
        const int start = test::FakeDetector::calls();
        const PrelabelReport cut =
            runPrelabel(*p, request(), {}, [&] { return test::FakeDetector::calls() - start >= 2; });
        QVERIFY(cut.cancelled);
        QCOMPARE(cut.stored, 2);
        QCOMPARE(scalar(*p, "SELECT COUNT(DISTINCT asset_id) FROM annotations"), 2);
        const PrelabelReport rest = runPrelabel(*p, request());
        QVERIFY(!rest.cancelled);
        QCOMPARE(rest.skipped, 2);
        QCOMPARE(rest.stored, 3);
        QCOMPARE(scalar(*p, "SELECT COUNT(DISTINCT asset_id) FROM annotations"), 5);
    }

    void anUnreadableImageFailsAlone()
    {
        QString file;
        auto p = makeProject(3, &file);
        QVERIFY(p);
        const QString missing = p->absolutePath(p->asset(m_images.at(1))->storedPath);
        QVERIFY(QFile::remove(missing));
        const PrelabelReport r = runPrelabel(*p, request());
        QVERIFY(r.error.isEmpty());
        QCOMPARE(r.stored, 2);
        QCOMPARE(r.failed.size(), 1);
        QCOMPARE(r.failed.front().assetId, m_images.at(1));
        QVERIFY2(r.failed.front().reason.contains(missing), qPrintable(r.failed.front().reason));
        QVERIFY(prelabelSummary(r).contains(QStringLiteral("1 failed")));
    }

    void badModelsAreRefusedNamingTheFolder()
    {
        QString file;
        auto p = makeProject(1, &file);
        QVERIFY(p);
        PrelabelRequest r = request();
        r.modelFolder = m_dir.filePath(QStringLiteral("nowhere"));
        QVERIFY(runPrelabel(*p, r).error.contains(r.modelFolder));
        const QString other = m_dir.filePath(QStringLiteral("other-model"));
        QVERIFY(test::writeFakeCheckpoint(other, "NoSuchDetector"));
        r.modelFolder = other;
        const PrelabelReport refused = runPrelabel(*p, r);
        QVERIFY2(refused.error.contains(other) && refused.error.contains(QStringLiteral("NoSuchDetector")),
                 qPrintable(refused.error));
        QCOMPARE(scalar(*p, "SELECT COUNT(*) FROM runs"), 0);
        r = request();
        r.threshold = 1.5;
        QVERIFY(runPrelabel(*p, r).error.contains(QStringLiteral("threshold")));
    }

    void decodeAheadKeepsOrderAndItsBound()
    {
        std::vector<DecodeItem> items;
        for (int i = 0; i < 8; ++i) {
            const QString path = m_dir.filePath(QStringLiteral("ahead%1.png").arg(i));
            QImage img(8 + i, 8, QImage::Format_RGB32);
            img.fill(Qt::white);
            QVERIFY(img.save(path));
            items.push_back({qint64(i), path});
        }
        items.push_back({99, m_dir.filePath(QStringLiteral("absent.png"))});
        DecodeAhead ahead(items, 2);
        for (int i = 0; i < 8; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20)); // a slow model
            const auto d = ahead.next();
            QVERIFY(d);
            QCOMPARE(d->assetId, qint64(i));
            QCOMPARE(d->image.width(), 8 + i);
            QCOMPARE(d->image.format(), QImage::Format_RGB888);
        }
        const auto bad = ahead.next();
        QVERIFY(bad && bad->image.isNull());
        QVERIFY(bad->error.contains(QStringLiteral("absent.png")));
        QVERIFY(!ahead.next());
        QVERIFY(ahead.highWater() >= 1);
        QVERIFY(ahead.highWater() <= 2);
        DecodeAhead stopped(items, 2); // stopped early: the destructor does not wait for the rest
        stopped.stop();
        QVERIFY(!stopped.next());
    }

    void boxesStandInForMasksTooSmallToOutline()
    {
        core::Detection d{QStringLiteral("cat"), 0.8, QRectF(3, 4, 5, 6),
                          QImage(10, 10, QImage::Format_Grayscale8)};
        d.mask.fill(0);
        const auto g = proposalGeometry(d);
        QVERIFY(g && std::holds_alternative<RectangleGeom>(*g));
        QVERIFY(!proposalGeometry(core::Detection{}));
    }

    void runsAsAJobInTheTracker()
    {
        QString file;
        auto p = makeProject(2, &file);
        QVERIFY(p);
        core::JobTracker tracker;
        PrelabelReport got;
        bool finished = false;
        core::JobHandle* job = startPrelabelJob(tracker, file, request(), [&](const PrelabelReport& r) {
            got = r;
            finished = true;
        });
        QVERIFY(job);
        QTRY_VERIFY_WITH_TIMEOUT(finished, 20000);
        QCOMPARE(job->state(), core::JobHandle::State::Succeeded);
        QCOMPARE(got.stored, 2);
        QVERIFY2(job->message().contains(QStringLiteral("4 proposal(s)")), qPrintable(job->message()));
        QCOMPARE(scalar(*p, "SELECT COUNT(*) FROM annotations"), 4);
    }
};

QTEST_GUILESS_MAIN(TestPrelabelJob)
#include "tst_prelabel_job.moc"
