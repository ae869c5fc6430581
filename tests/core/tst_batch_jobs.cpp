// SPDX-License-Identifier: MIT
// Batch captioning and matching over a project with the golden tiny checkpoints: each image gets a run
// with its provenance (and a model caption), cancelling midway keeps whole results only, running again
// finishes the rest, other settings run anew, failures are listed without stopping the batch, and the
// background job reports to the JobTracker.
#include "common/testsupport.h"
#include "compute/generate/generation_config.h"
#include "core/inference/captioner.h"
#include "core/inference/matcher.h"
#include "core/jobs/batchinference.h"
#include "core/jobs/jobtracker.h"
#include "core/models/checkpoint_hash.h"
#include "core/store/captions.h"
#include "core/store/project.h"

#include <QFile>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using namespace loupe;
using namespace loupe::core;

namespace {

// A project of `n` images, copies of the golden case's input (distinct paths and hashes).
std::unique_ptr<Project> projectOf(const QTemporaryDir& dir, const QString& caseDir, int n,
                                   QList<qint64>* ids)
{
    QString error;
    auto p = Project::create(dir.filePath(QStringLiteral("batch.loupe")), &error);
    if (!p) return nullptr;
    QVector<AssetRecord> batch;
    for (int i = 0; i < n; ++i) {
        AssetRecord r;
        r.absolutePath = dir.filePath(QStringLiteral("img%1.png").arg(i));
        if (!QFile::copy(caseDir + "/input.png", r.absolutePath)) return nullptr;
        r.sha256Hex = QStringLiteral("sha%1").arg(i);
        r.width = r.height = 32;
        batch << r;
    }
    if (!p->addAssets(batch, &error)) return nullptr;
    ids->clear();
    for (const AssetRow& a : p->assetPage({}, 0, n))
        *ids << a.id;
    return p;
}

qint64 count(Project& p, const QString& sql)
{
    Statement s = p.db().prepare(sql);
    return s.step() ? s.columnInt64(0) : -1;
}

} // namespace

class TestBatchJobs : public QObject
{
    Q_OBJECT

private slots:
    void captionsAreStoredWithTheirRun()
    {
        const QString model = test::goldenDir(QStringLiteral("vit_gpt2_caption"));
        QTemporaryDir dir;
        QList<qint64> ids;
        auto p = projectOf(dir, model, 2, &ids);
        QVERIFY(p);
        BatchRequest r;
        r.modelFolder = model;
        r.assetIds = ids;
        r.decoding = {{QStringLiteral("max_new_tokens"), 6}};
        QList<int> progress;
        const BatchReport rep = runBatch(*p, r, [&](int done, int total) {
            QCOMPARE(total, 2);
            progress << done;
        });
        QVERIFY2(rep.error.isEmpty(), qPrintable(rep.error));
        QCOMPARE(rep.stored, 2);
        QCOMPARE(progress, (QList<int>{1, 2}));

        // The caption is what the captioner says for that image with those settings.
        auto settings = compute::generate::GenerationConfig::fromModelFolder(model.toStdString());
        settings.maxNewTokens = 6;
        const auto captioner = openCaptioner(model, settings);
        captioner->setPrompt({});
        const Caption direct = captioner->caption(dir.filePath(QStringLiteral("img0.png")), {});
        const QVector<CaptionRow> caps = captionsOf(*p, ids[0]);
        QCOMPARE(caps.size(), 1);
        QCOMPARE(caps[0].text, QString::fromStdString(direct.text));
        QCOMPARE(caps[0].source, QStringLiteral("model"));
        const QVector<RunRecord> runs = p->runs(ids[0], QStringLiteral("caption"));
        QCOMPARE(runs.size(), 1);
        QCOMPARE(caps[0].runId, runs[0].id);
        QCOMPARE(runs[0].modelPath, model);
        QCOMPARE(runs[0].checkpointHash, checkpointHash(model));
        QVERIFY(!runs[0].checkpointHash.isEmpty());
        QCOMPARE(runs[0].parameters, r.parameters());
        QVERIFY(runs[0].durationMs > 0);
        QCOMPARE(runs[0].result.value(QLatin1String("text")).toString(), caps[0].text);
        QCOMPARE(runs[0].result.value(QLatin1String("token_ids")).toArray().size(),
                 qsizetype(direct.sequence.tokens.size()));
    }

    // Cancel after two of four images, run again: the first two are skipped, the other two done; every
    // run has its caption. Other settings are another run.
    void cancelMidwayThenResume()
    {
        const QString model = test::goldenDir(QStringLiteral("blip_caption"));
        QTemporaryDir dir;
        QList<qint64> ids;
        auto p = projectOf(dir, model, 4, &ids);
        QVERIFY(p);
        BatchRequest r;
        r.modelFolder = model;
        r.assetIds = ids;
        r.decoding = {{QStringLiteral("max_new_tokens"), 4}};
        int done = 0;
        BatchReport rep = runBatch(
            *p, r, [&](int d, int) { done = d; }, [&] { return done >= 2; });
        QVERIFY(rep.cancelled);
        QCOMPARE(rep.stored, 2);
        QCOMPARE(p->info().runs, 2);
        QCOMPARE(p->info().captions, 2);
        QVERIFY(captionsOf(*p, ids[2]).isEmpty());

        rep = runBatch(*p, r);
        QVERIFY(!rep.cancelled);
        QCOMPARE(rep.skipped, 2);
        QCOMPARE(rep.stored, 2);
        QCOMPARE(p->info().captions, 4);
        QCOMPARE(count(*p, QStringLiteral("SELECT COUNT(*) FROM runs r WHERE NOT EXISTS "
                                          "(SELECT 1 FROM captions c WHERE c.run_id = r.id)")),
                 0);
        rep = runBatch(*p, r);
        QCOMPARE(rep.skipped, 4);
        QCOMPARE(rep.stored, 0);

        r.prompt = QStringLiteral("a picture of");
        rep =
            runBatch(*p, r, {}, [&] { return count(*p, QStringLiteral("SELECT COUNT(*) FROM runs")) >= 5; });
        QCOMPARE(rep.stored, 1); // a new prompt is new work; cancelled after one
        QVERIFY(captionsOf(*p, ids[0]).back().text.startsWith(QLatin1String("a picture of")));
    }

    // Cancelled while an image is being decoded: that image stores nothing, not a cut caption.
    void cancelMidCaptionStoresNothing()
    {
        const QString model = test::goldenDir(QStringLiteral("blip_caption"));
        QTemporaryDir dir;
        QList<qint64> ids;
        auto p = projectOf(dir, model, 1, &ids);
        QVERIFY(p);
        BatchRequest r;
        r.modelFolder = model;
        r.assetIds = ids;
        r.decoding = {{QStringLiteral("max_new_tokens"), 6}};
        int polls = 0;
        const BatchReport rep = runBatch(*p, r, {}, [&] { return ++polls > 3; }); // 1: before the image
        QVERIFY(rep.cancelled);
        QVERIFY(polls > 3);
        QCOMPARE(rep.stored, 0);
        QCOMPARE(p->info().runs, 0);
        QCOMPARE(p->info().captions, 0);
    }

    void matchStoresScoresAndListsFailures()
    {
        const QString model = test::goldenDir(QStringLiteral("clip_match"));
        QTemporaryDir dir;
        QList<qint64> ids;
        auto p = projectOf(dir, model, 3, &ids);
        QVERIFY(p);
        QVERIFY(QFile::remove(dir.filePath(QStringLiteral("img1.png"))));
        BatchRequest r;
        r.kind = BatchRequest::Kind::Match;
        r.modelFolder = model;
        r.texts = QStringList{QStringLiteral("a photo of a cat"), QStringLiteral("a photo of a dog")};
        r.assetIds = ids + QList<qint64>{999};
        const BatchReport rep = runBatch(*p, r);
        QVERIFY2(rep.error.isEmpty(), qPrintable(rep.error));
        QCOMPARE(rep.stored, 2);
        QCOMPARE(rep.failed.size(), 2);
        QCOMPARE(rep.failed[0].assetId, ids[1]);
        QVERIFY2(rep.failed[0].reason.contains(QLatin1String("img1.png")), qPrintable(rep.failed[0].reason));
        QVERIFY2(rep.failed[1].reason.contains(QLatin1String("image 999")), qPrintable(rep.failed[1].reason));
        QCOMPARE(p->info().captions, 0);

        const QVector<RunRecord> runs = p->runs(ids[2], QStringLiteral("match"));
        QCOMPARE(runs.size(), 1);
        const MatchScores direct =
            Matcher::open(model)->match(dir.filePath(QStringLiteral("img2.png")), r.texts);
        const QJsonArray probs = runs[0].result.value(QLatin1String("probs")).toArray();
        QCOMPARE(probs.size(), 2);
        for (int t = 0; t < 2; ++t)
            QVERIFY(std::fabs(probs[t].toDouble() - direct.probs[size_t(t)]) < 1e-6);
        QCOMPARE(runs[0].parameters.value(QLatin1String("texts")).toArray().size(), 2);
    }

    void badModelOrSettingsStopBeforeAnyImage()
    {
        QTemporaryDir dir;
        QList<qint64> ids;
        auto p = projectOf(dir, test::goldenDir(QStringLiteral("clip_match")), 1, &ids);
        QVERIFY(p);
        BatchRequest r;
        r.modelFolder = test::goldenDir(QStringLiteral("clip_match")); // not a captioner
        r.assetIds = ids;
        BatchReport rep = runBatch(*p, r);
        QVERIFY2(rep.error.contains(QLatin1String("not supported for captioning")), qPrintable(rep.error));
        r.modelFolder = dir.filePath(QStringLiteral("nowhere"));
        rep = runBatch(*p, r);
        QVERIFY2(rep.error.contains(QLatin1String("nowhere")), qPrintable(rep.error));
        r.modelFolder = test::goldenDir(QStringLiteral("blip_caption"));
        r.decoding = {{QStringLiteral("num_beams"), QStringLiteral("many")}};
        rep = runBatch(*p, r);
        QVERIFY2(rep.error.contains(QLatin1String("num_beams")), qPrintable(rep.error));
        r.kind = BatchRequest::Kind::Match;
        rep = runBatch(*p, r);
        QVERIFY2(rep.error.contains(QLatin1String("at least one text")), qPrintable(rep.error));
        QCOMPARE(p->info().runs, 0);
    }

    void backgroundJobReportsToTheTracker()
    {
        const QString model = test::goldenDir(QStringLiteral("vit_gpt2_caption"));
        QTemporaryDir dir;
        QList<qint64> ids;
        auto p = projectOf(dir, model, 3, &ids);
        QVERIFY(p);
        JobTracker tracker;
        BatchRequest r;
        r.modelFolder = model;
        r.assetIds = ids;
        r.decoding = {{QStringLiteral("max_new_tokens"), 4}};
        BatchReport got;
        bool called = false;
        JobHandle* job = startBatchJob(tracker, p->path(), r, [&](const BatchReport& rep) {
            got = rep;
            called = true;
        });
        QCOMPARE(tracker.jobs(), QList<JobHandle*>{job});
        QVERIFY(job->isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(!job->isRunning(), 120000);
        QCOMPARE(job->state(), JobHandle::State::Succeeded);
        QVERIFY(called);
        QCOMPARE(got.stored, 3);
        QCOMPARE(job->done(), 3);
        QCOMPARE(job->total(), 3);
        QVERIFY2(job->message().contains(QLatin1String("3 stored")), qPrintable(job->message()));
        QCOMPARE(p->info().captions, 3); // the GUI's connection sees the worker's rows

        // Cancelled before it could start an image: nothing stored, the handle says Cancelled.
        JobHandle* second = startBatchJob(tracker, p->path(), r);
        second->requestCancel();
        QTRY_VERIFY_WITH_TIMEOUT(!second->isRunning(), 120000);
        QCOMPARE(second->state(), JobHandle::State::Cancelled);
        QCOMPARE(p->info().captions, 3);

        // A project that cannot be opened fails the job with the reason.
        JobHandle* third = startBatchJob(tracker, dir.filePath(QStringLiteral("none.loupe")), r);
        QTRY_VERIFY_WITH_TIMEOUT(!third->isRunning(), 120000);
        QCOMPARE(third->state(), JobHandle::State::Failed);
        QVERIFY2(third->message().contains(QLatin1String("none.loupe")), qPrintable(third->message()));
    }
};

QTEST_GUILESS_MAIN(TestBatchJobs)
#include "tst_batch_jobs.moc"
