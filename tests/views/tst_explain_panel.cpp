// SPDX-License-Identifier: MIT
// The Explain panel on the sample project and its shipped shapes ViT: one background forward gives the
// top classes and a rollout map; sliders, the head grid and a clicked patch recompute from the cached
// attentions without another model pass (counted); a gradient method runs in the background with
// progress and can be cancelled (nothing stored); an explicit run is stored with its provenance and
// shown at once after reopening; export writes PNGs and an .npy equal to the raw map.
#include "common/testsupport.h"
#include "compute/attribution/npy.h"
#include "core/explain/explain_record.h"
#include "core/explain/forward_cache.h"
#include "core/explain/vit_session.h"
#include "core/jobs/jobtracker.h"
#include "core/models/checkpoint_hash.h"
#include "core/store/project.h"
#include "sample_project_fixture.h"
#include "views/canvas/canvaslayer.h"
#include "views/canvas/imagecanvas.h"
#include "views/explain/compareview.h"
#include "views/explain/explaincharts.h"
#include "views/explain/explainpanel.h"
#include "views/explain/headgrid.h"
#include "views/explain/heatmaplayer.h"
#include "views/explain/methodform.h"
#include "views/explain/targetpicker.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QListWidget>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe;
using namespace loupe::views;

class TestExplainPanel : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_projectPath;
    QString m_model;
    qint64 m_asset = -1;
    QString m_imagePath;

    std::unique_ptr<core::Project> open() { return sample_project_test::reopen(m_projectPath); }

    // A reference forward made here, outside the panel.
    core::CachedForward referenceForward()
    {
        const core::VitSession s = core::VitSession::open(m_model);
        return core::forwardWithAttentions(s, core::toPlanar(s.pixelValues(m_imagePath)));
    }

    static bool waitReady(ExplainPanel& panel)
    {
        if (panel.isReady()) return true;
        QSignalSpy ready(&panel, &ExplainPanel::ready);
        return ready.wait(60000) && ready.first().first().toBool();
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        QString error;
        m_projectPath = sample_project_test::createSample(m_dir, &error);
        QVERIFY2(!m_projectPath.isEmpty(), qPrintable(error));
        auto p = open();
        QVERIFY(p);
        // The sample registers the classifier first, then its text models.
        QVERIFY(p->models().size() >= 1);
        QCOMPARE(p->models().first().name, QStringLiteral("shapes-vit"));
        m_model = p->models().first().path;
        const sample_project_test::Asset first = sample_project_test::firstAsset(*p);
        QVERIFY(first.id >= 0);
        m_asset = first.id;
        m_imagePath = first.path;
    }

    void rolloutFromOneForwardSlidersDoNotRerun()
    {
        auto project = open();
        QVERIFY(project);
        ImageCanvas canvas;
        canvas.setImage(QImage(m_imagePath), m_imagePath);
        ExplainPanel panel(&canvas);
        QVERIFY(canvas.layers().contains(panel.layer()));
        panel.setProject(project.get());
        QCOMPARE(panel.modelBox()->currentData().toString(), m_model); // the registered model by default
        const long before = core::VitSession::passCount();
        panel.setAsset(m_asset);
        QVERIFY(panel.isRunning()); // the forward runs in the background
        QVERIFY(waitReady(panel));
        QCOMPARE(core::VitSession::passCount(), before + 1);

        const core::CachedForward ref = referenceForward();
        const long passes = core::VitSession::passCount();
        // Targets: the top five of six classes, best first, the best selected.
        QCOMPARE(panel.targetPicker()->list()->count(), 5);
        QCOMPARE(panel.targetPicker()->target(), ref.ranking().front());
        // The default rollout is on the canvas: 12 × 12 patches of the 96 px model input.
        QVERIFY(panel.hasShown());
        QCOMPARE(panel.shown().params.method, QStringLiteral("rollout"));
        QCOMPARE(panel.shown().rows, 12);
        QCOMPARE(panel.shown().cols, 12);
        QVERIFY(panel.layer()->hasMap());
        const compute::attribution::AttentionSet set = ref.attentionSet();
        const std::vector<float> rollout =
            compute::attribution::patchMap(compute::attribution::rolloutRow(set, 0, {}), ref.grid);
        for (size_t i = 0; i < rollout.size(); ++i)
            QVERIFY(std::abs(panel.shown().grid[i] - rollout[i]) <= 1e-5f * std::abs(rollout[i]) + 1e-7f);

        // Discard slider: a different map, the same single forward.
        const std::vector<float> plain = panel.shown().grid;
        panel.methodForm()->discardSlider()->setValue(90);
        QCOMPARE(panel.shown().params.discardRatio, 0.9f);
        QVERIFY(panel.shown().grid != plain);
        compute::attribution::RolloutOptions o;
        o.discardRatio = 0.9f;
        const std::vector<float> discarded =
            compute::attribution::patchMap(compute::attribution::rolloutRow(set, 0, o), ref.grid);
        for (size_t i = 0; i < discarded.size(); ++i)
            QVERIFY(std::abs(panel.shown().grid[i] - discarded[i]) <= 1e-5f * std::abs(discarded[i]) + 1e-7f);
        core::ExplainParams maxFusion = panel.methodForm()->params();
        maxFusion.fusion = compute::attribution::HeadFusion::Max;
        maxFusion.startLayer = 2;
        panel.methodForm()->setParams(maxFusion);
        QCOMPARE(panel.shown().params.startLayer, 2);
        QVERIFY(panel.shown().grid != discarded);

        // Side by side: A pinned (rollout), B follows what is shown next.
        panel.pinComparison();
        QVERIFY2(panel.compareView()->caption(0).contains(QStringLiteral("Attention rollout · max of heads")),
                 qPrintable(panel.compareView()->caption(0)));
        QCOMPARE(panel.compareView()->image(0).size(), QImage(m_imagePath).size());

        // The head grid: layers × heads; clicking a cell shows that head's raw attention.
        QCOMPARE(panel.headGrid()->layers(), 6);
        QCOMPARE(panel.headGrid()->heads(), 4);
        QTest::mouseClick(panel.headGrid(), Qt::LeftButton, {}, panel.headGrid()->cellRect(2, 1).center());
        QCOMPARE(panel.shown().params.method, QStringLiteral("attention"));
        QCOMPARE(panel.shown().params.layer, 2);
        QCOMPARE(panel.shown().params.head, 1);
        QCOMPARE(panel.shown().grid,
                 compute::attribution::patchMap(compute::attribution::rawAttention(set, 2, 1, 0), ref.grid));
        QVERIFY(panel.compareView()->caption(0).contains(QStringLiteral("Attention rollout")));
        QVERIFY2(panel.compareView()->caption(1).contains(QStringLiteral("Raw attention · layer 2 · head 1")),
                 qPrintable(panel.compareView()->caption(1)));
        QVERIFY(panel.compareView()->image(0) != panel.compareView()->image(1));

        // A click on the image: that patch's attention row, then its column.
        const QSize size = canvas.imageSize();
        panel.probeAt(QPointF((4 + 0.5) * size.width() / 12.0, (3 + 0.5) * size.height() / 12.0));
        QCOMPARE(panel.shown().params.token, 1 + 3 * 12 + 4);
        QCOMPARE(panel.shown().params.layer, 2);
        QCOMPARE(panel.shown().params.head, 1);
        QCOMPARE(panel.shown().params.column, false);
        QCOMPARE(panel.shown().grid,
                 compute::attribution::patchMap(compute::attribution::rawAttention(set, 2, 1, 41), ref.grid));
        core::ExplainParams column = panel.methodForm()->params();
        column.method = QStringLiteral("rollout");
        column.column = true;
        panel.methodForm()->setParams(column);
        // The rollout settings chosen above (max fusion, 90 % discard, from layer 2) still hold.
        compute::attribution::RolloutOptions kept;
        kept.fusion = compute::attribution::HeadFusion::Max;
        kept.discardRatio = 0.9f;
        kept.startLayer = 2;
        QCOMPARE(panel.shown().grid, compute::attribution::patchMap(
                                         compute::attribution::rolloutColumn(set, 41, kept), ref.grid));
        QCOMPARE(core::VitSession::passCount(), passes); // not one model pass for all of that
        QVERIFY(!panel.isRunning());
    }

    void gradientMethodRunsInBackgroundAndCancels()
    {
        auto project = open();
        QVERIFY(project);
        ImageCanvas canvas;
        ExplainPanel panel(&canvas);
        panel.setProject(project.get());
        panel.setAsset(m_asset);
        QVERIFY(waitReady(panel));
        const int storedBefore = int(project->runs(m_asset, QStringLiteral("explain")).size());

        core::ExplainParams p;
        p.method = QStringLiteral("integrated-gradients");
        p.igSteps = 1024; // 64 backward passes of 16: long enough to cancel in the middle
        panel.methodForm()->setParams(p);
        QSignalSpy finished(&panel, &ExplainPanel::finished);
        QSignalSpy progress(&panel, &ExplainPanel::progressChanged);
        QVERIFY2(panel.explain(), qPrintable(panel.lastError()));
        QVERIFY(panel.isRunning());
        QVERIFY(!panel.explain());     // one job at a time
        QVERIFY(progress.wait(30000)); // the GUI thread is free while the job reports progress
        panel.cancel();
        QVERIFY(finished.count() == 1 || finished.wait(60000));
        QCOMPARE(finished.first().first().toBool(), false);
        QVERIFY2(panel.lastError().contains(QStringLiteral("Cancel")), qPrintable(panel.lastError()));
        const int total = progress.last().at(1).toInt();
        QCOMPARE(total, 1024);
        QVERIFY2(progress.last().at(0).toInt() < total, "the run stopped before the end");
        QCOMPARE(int(project->runs(m_asset, QStringLiteral("explain")).size()), storedBefore);

        // The same method with few steps runs to the end: stored, scored, shown; equal to the engine's map.
        p.igSteps = 8;
        panel.methodForm()->setParams(p);
        finished.clear();
        QVERIFY(panel.explain());
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.first().first().toBool(), qPrintable(panel.lastError()));
        QVERIFY(panel.shownIsStored());
        QVERIFY(panel.shown().hasMetrics);
        QCOMPARE(panel.curvesChart()->seriesCount(), 2);
        QCOMPARE(int(project->runs(m_asset, QStringLiteral("explain")).size()), storedBefore + 1);
        const core::VitSession s = core::VitSession::open(m_model);
        const std::vector<float> ig =
            core::explainMap(s, core::toPlanar(s.pixelValues(m_imagePath)), panel.shown().target, p);
        QCOMPARE(panel.shown().grid.size(), ig.size());
        for (size_t i = 0; i < ig.size(); ++i)
            QVERIFY(std::abs(panel.shown().grid[i] - ig[i]) <= 1e-4f * (std::abs(ig[i]) + 1e-3f));
    }

    // Explanations show in the window's Jobs dock: progress while running, cancel from the dock reaches
    // the worker, and the outcome is kept; the quick first forward is not a job there.
    void explanationsAreJobsInTheTracker()
    {
        auto project = open();
        QVERIFY(project);
        core::JobTracker jobs;
        ExplainPanel panel(nullptr);
        panel.setJobTracker(&jobs);
        panel.setProject(project.get());
        panel.setAsset(m_asset);
        QVERIFY(waitReady(panel));
        QCOMPARE(jobs.jobs().size(), 0);

        core::ExplainParams p;
        p.method = QStringLiteral("integrated-gradients");
        p.igSteps = 1024;
        panel.methodForm()->setParams(p);
        QSignalSpy finished(&panel, &ExplainPanel::finished);
        QVERIFY(panel.explain());
        QCOMPARE(jobs.jobs().size(), 1);
        core::JobHandle* job = jobs.jobs().first();
        QVERIFY2(job->title().contains(QStringLiteral("Integrated gradients")), qPrintable(job->title()));
        QTRY_VERIFY_WITH_TIMEOUT(job->done() > 0, 30000);
        QCOMPARE(job->total(), 1024);
        job->requestCancel(); // what the dock's Cancel button does
        QVERIFY(finished.count() == 1 || finished.wait(60000));
        QCOMPARE(finished.first().first().toBool(), false);
        QCOMPARE(job->state(), core::JobHandle::State::Cancelled);
        QVERIFY(job->done() < 1024);

        p.method = QStringLiteral("gradcam");
        panel.methodForm()->setParams(p);
        panel.setCurvesEnabled(false);
        finished.clear();
        QVERIFY(panel.explain());
        QVERIFY(finished.wait(60000));
        QCOMPARE(jobs.jobs().size(), 2);
        QCOMPARE(jobs.jobs().last()->state(), core::JobHandle::State::Succeeded);
        QCOMPARE(jobs.runningCount(), 0);
    }

    void gradcamFromThePanel()
    {
        QVERIFY(MethodForm::methods().contains(QStringLiteral("gradcam")));
        auto project = open();
        QVERIFY(project);
        ExplainPanel panel(nullptr);
        panel.setProject(project.get());
        panel.setAsset(m_asset);
        QVERIFY(waitReady(panel));
        core::ExplainParams p;
        p.method = QStringLiteral("gradcam");
        panel.methodForm()->setParams(p);
        panel.setCurvesEnabled(false);
        QSignalSpy finished(&panel, &ExplainPanel::finished);
        const long passes = core::VitSession::passCount();
        QVERIFY(panel.explain());
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.first().first().toBool(), qPrintable(panel.lastError()));
        QCOMPARE(core::VitSession::passCount(), passes + 1); // one forward + backward, no curves
        QVERIFY(!panel.shown().hasMetrics);
        const core::VitSession s = core::VitSession::open(m_model);
        const std::vector<float> cam =
            core::explainMap(s, core::toPlanar(s.pixelValues(m_imagePath)), panel.shown().target, p);
        QCOMPARE(panel.shown().grid.size(), size_t(144));
        for (size_t i = 0; i < cam.size(); ++i)
            QVERIFY(std::abs(panel.shown().grid[i] - cam[i]) <= 1e-4f * (std::abs(cam[i]) + 1e-3f));
        QVERIFY(std::any_of(cam.begin(), cam.end(), [](float v) { return v > 0; }));
        QVERIFY(std::all_of(cam.begin(), cam.end(), [](float v) { return v >= 0; })); // ReLU
    }

    void riseShowsItsEstimateWhileItRuns()
    {
        auto project = open();
        QVERIFY(project);
        ExplainPanel panel(nullptr);
        panel.setProject(project.get());
        panel.setAsset(m_asset);
        QVERIFY(waitReady(panel));
        core::ExplainParams p;
        p.method = QStringLiteral("rise");
        p.riseMasks = 480;
        p.riseCells = 6;
        p.seed = 7;
        panel.methodForm()->setParams(p);
        panel.setCurvesEnabled(false);
        QList<std::vector<float>> partial;
        connect(panel.layer(), &CanvasLayer::changed, this, [&] {
            if (panel.isRunning() && panel.layer()->hasMap()) partial << panel.layer()->grid();
        });
        QSignalSpy finished(&panel, &ExplainPanel::finished);
        QVERIFY(panel.explain());
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.first().first().toBool(), qPrintable(panel.lastError()));
        QVERIFY2(partial.size() >= 2, qPrintable(QString::number(partial.size()))); // 30 batches of 16
        QVERIFY(partial.first() != panel.shown().grid); // an early estimate, not the final map
        const core::VitSession s = core::VitSession::open(m_model);
        const std::vector<float> rise =
            core::explainMap(s, core::toPlanar(s.pixelValues(m_imagePath)), panel.shown().target, p);
        for (size_t i = 0; i < rise.size(); ++i)
            QVERIFY(std::abs(panel.shown().grid[i] - rise[i]) <= 1e-4f * (std::abs(rise[i]) + 1e-3f));
        QCOMPARE(panel.layer()->grid(), panel.shown().grid);

        // Cancelled half-way, the estimate leaves the canvas and the last result is back.
        const std::vector<float> last = panel.shown().grid;
        p.riseMasks = 100000;
        panel.methodForm()->setParams(p);
        partial.clear();
        finished.clear();
        QVERIFY(panel.explain());
        QTRY_VERIFY_WITH_TIMEOUT(partial.size() >= 1, 30000);
        panel.cancel();
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().first().toBool(), false);
        QVERIFY(partial.last() != last);
        QCOMPARE(panel.layer()->grid(), last);
        QCOMPARE(panel.shown().grid, last);
    }

    void headImportanceAsRankedBars()
    {
        auto project = open();
        QVERIFY(project);
        ExplainPanel panel(nullptr);
        panel.setProject(project.get());
        panel.setAsset(m_asset);
        QVERIFY(waitReady(panel));
        core::ExplainParams p;
        p.method = QStringLiteral("head-importance");
        panel.methodForm()->setParams(p);
        QSignalSpy finished(&panel, &ExplainPanel::finished);
        QVERIFY(panel.explain());
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.first().first().toBool(), qPrintable(panel.lastError()));
        const core::Explanation& e = panel.shown();
        QCOMPARE(e.rows, 6); // layers
        QCOMPARE(e.cols, 4); // heads
        QCOMPARE(e.layerDelta.size(), size_t(6));
        QVERIFY(!panel.layer()->hasMap()); // a layers × heads table is not drawn over the image
        // The bars: the 16 largest logit drops, largest first, named by layer and head.
        const QStringList bars = panel.headChart()->barLabels();
        QCOMPARE(bars.size(), HeadImportanceChart::kMaxBars);
        const int best = int(std::max_element(e.grid.begin(), e.grid.end()) - e.grid.begin());
        QCOMPARE(bars.first(), QStringLiteral("L%1 H%2").arg(best / 4).arg(best % 4));
        // The engine's numbers for the same target.
        const core::VitSession s = core::VitSession::open(m_model);
        const compute::attribution::HeadImportance ref =
            core::explainHeads(s, core::toPlanar(s.pixelValues(m_imagePath)), e.target, p.batchSize);
        for (size_t i = 0; i < ref.delta.size(); ++i)
            QVERIFY(std::abs(e.grid[i] - ref.delta[i]) <= 1e-4f * (std::abs(ref.delta[i]) + 1e-2f));
        // Stored like every run; the export is the raw table only.
        const core::RunRecord run = project->runs(m_asset, QStringLiteral("explain")).first();
        QCOMPARE(run.result.value(QStringLiteral("layer_delta")).toArray().size(), 6);
        QString error;
        const QStringList files = panel.exportShown(m_dir.filePath(QStringLiteral("heads")), &error);
        QCOMPARE(files.size(), 1);
        QCOMPARE(compute::readNpyF32(files.first().toStdString()).shape, (std::vector<int64_t>{6, 4}));
    }

    void storedWithProvenanceAndShownAfterReopen()
    {
        std::vector<float> grid;
        qint64 runId = 0;
        {
            auto project = open();
            QVERIFY(project);
            ImageCanvas canvas;
            ExplainPanel panel(&canvas);
            panel.setProject(project.get());
            panel.setAsset(m_asset);
            QVERIFY(waitReady(panel));
            core::ExplainParams p;
            p.method = QStringLiteral("rollout");
            p.discardRatio = 0.5f;
            panel.methodForm()->setParams(p);
            // A class other than the top one, picked by name.
            const int second = panel.targetPicker()->list()->item(1)->data(Qt::UserRole).toInt();
            QVERIFY(panel.targetPicker()->setTargetByName(
                QStringLiteral("  %1 ").arg(panel.targetPicker()
                                                ->list()
                                                ->item(1)
                                                ->text()
                                                .section(QStringLiteral(" — "), 0, 0)
                                                .toUpper())));
            QCOMPARE(panel.targetPicker()->target(), second);
            QSignalSpy finished(&panel, &ExplainPanel::finished);
            QVERIFY(panel.explain());
            QVERIFY(finished.wait(60000));
            QVERIFY2(finished.first().first().toBool(), qPrintable(panel.lastError()));
            grid = panel.shown().grid;
            runId = panel.shown().runId;
            QVERIFY(runId > 0);

            const QVector<core::RunRecord> runs = project->runs(m_asset, QStringLiteral("explain"));
            const core::RunRecord& run = runs.first(); // newest first
            QCOMPARE(run.id, runId);
            QCOMPARE(run.modelPath, m_model);
            QCOMPARE(run.checkpointHash, core::checkpointHash(m_model));
            QCOMPARE(run.backend, QStringLiteral("cpu"));
            QVERIFY(run.durationMs > 0);
            QCOMPARE(run.parameters.value(QStringLiteral("method")).toString(), QStringLiteral("rollout"));
            QCOMPARE(run.parameters.value(QStringLiteral("fusion")).toString(), QStringLiteral("mean"));
            QCOMPARE(run.parameters.value(QStringLiteral("discard_ratio")).toDouble(), 0.5);
            QCOMPARE(run.parameters.value(QStringLiteral("target")).toInt(), second);
            QCOMPARE(run.result.value(QStringLiteral("rows")).toInt(), 12);
            QCOMPARE(run.result.value(QStringLiteral("cols")).toInt(), 12);
            const QJsonArray stored = run.result.value(QStringLiteral("grid")).toArray();
            QCOMPARE(stored.size(), 144);
            for (int i = 0; i < 144; ++i)
                QCOMPARE(float(stored[i].toDouble()), grid[size_t(i)]);
            const QJsonObject metrics = run.result.value(QStringLiteral("metrics")).toObject();
            QVERIFY(metrics.value(QStringLiteral("deletion_auc")).toDouble() > 0);
            QVERIFY(metrics.value(QStringLiteral("insertion_auc")).toDouble() > 0);
        }
        // Reopened: the newest explanation is on the canvas before anything could have been computed.
        auto project = open();
        QVERIFY(project);
        ImageCanvas canvas;
        ExplainPanel panel(&canvas);
        panel.setProject(project.get());
        panel.setAsset(m_asset);
        QVERIFY(panel.shownIsStored());
        QCOMPARE(panel.shown().runId, runId);
        QCOMPARE(panel.shown().grid, grid);
        // The controls say how it was made.
        QCOMPARE(panel.methodForm()->method(), QStringLiteral("rollout"));
        QCOMPARE(panel.methodForm()->params().discardRatio, 0.5f);
        QVERIFY(panel.shown().hasMetrics);
        QCOMPARE(panel.curvesChart()->seriesCount(), 2);
        QVERIFY(panel.layer()->hasMap());
        QCOMPARE(panel.storedList()->count(), int(project->runs(m_asset, QStringLiteral("explain")).size()));
        QVERIFY(panel.stored().size() >= 3);
        // Picking an older one shows it, also without a model pass.
        const long passes = core::VitSession::passCount();
        QVERIFY(waitReady(panel));
        const long afterReady = core::VitSession::passCount();
        QVERIFY(afterReady <= passes + 1);
        panel.storedList()->setCurrentRow(1);
        QCOMPARE(panel.shown().runId, panel.stored()[1].runId);
        QCOMPARE(panel.shown().params.method, QStringLiteral("head-importance")); // stored by the test before
        QCOMPARE(panel.shown().grid, panel.stored()[1].grid);
        QVERIFY(!panel.layer()->hasMap());
        QCOMPARE(panel.headChart()->barLabels().size(), int(HeadImportanceChart::kMaxBars));
        panel.storedList()->setCurrentRow(2);
        QCOMPARE(panel.shown().params.method, QStringLiteral("rise"));
        QVERIFY(panel.layer()->grid() == panel.stored()[2].grid);
        QCOMPARE(core::VitSession::passCount(), afterReady);
    }

    void exportWritesPngAndRawNpy()
    {
        auto project = open();
        QVERIFY(project);
        ImageCanvas canvas;
        ExplainPanel panel(&canvas);
        panel.setProject(project.get());
        QString error;
        QVERIFY(panel.exportShown(m_dir.filePath(QStringLiteral("nothing")), &error).isEmpty());
        QVERIFY(!error.isEmpty());
        panel.setAsset(m_asset);
        QVERIFY(panel.hasShown());
        const QString base = m_dir.filePath(QStringLiteral("export/map"));
        QVERIFY(QDir().mkpath(QFileInfo(base).path()));
        const QStringList files = panel.exportShown(base, &error);
        QVERIFY2(files.size() == 3, qPrintable(error));
        const compute::NpyArray npy = compute::readNpyF32((base + QStringLiteral(".npy")).toStdString());
        QCOMPARE(npy.shape, (std::vector<int64_t>{12, 12}));
        QCOMPARE(npy.data, panel.shown().grid); // raw, not normalised
        const QImage source(m_imagePath);
        const QImage overlay(base + QStringLiteral(".png"));
        const QImage grey(base + QStringLiteral(".grey.png"));
        QCOMPARE(overlay.size(), source.size());
        QCOMPARE(grey.size(), source.size());
        // The grey map is the normalised map: its brightest pixel lies in the map's largest cell.
        const std::vector<float>& g = panel.shown().grid;
        const int best = int(std::max_element(g.begin(), g.end()) - g.begin());
        const QPoint centre((best % 12) * source.width() / 12 + source.width() / 24,
                            (best / 12) * source.height() / 12 + source.height() / 24);
        QVERIFY2(qGray(grey.pixel(centre)) > 200, qPrintable(QString::number(qGray(grey.pixel(centre)))));
        QVERIFY(overlay != source);
        // A live rollout exports what `loupe explain --method rollout` writes for this image: explainMap's
        // map as float32 [rows, cols].
        QVERIFY(waitReady(panel));
        core::ExplainParams cli;
        cli.method = QStringLiteral("rollout");
        panel.methodForm()->setParams(cli);
        QVERIFY(!panel.shownIsStored());
        const QString live = m_dir.filePath(QStringLiteral("export/live"));
        QCOMPARE(panel.exportShown(live, &error).size(), 3);
        const compute::NpyArray liveNpy = compute::readNpyF32((live + QStringLiteral(".npy")).toStdString());
        const core::VitSession s = core::VitSession::open(m_model);
        const std::vector<float> ref =
            core::explainMap(s, core::toPlanar(s.pixelValues(m_imagePath)), 0, cli);
        QCOMPARE(liveNpy.shape, (std::vector<int64_t>{12, 12}));
        QCOMPARE(liveNpy.data.size(), ref.size());
        for (size_t i = 0; i < ref.size(); ++i)
            QVERIFY(std::abs(liveNpy.data[i] - ref[i]) <= 1e-5f * std::abs(ref[i]) + 1e-7f);

        // An unwritable place is named in the error.
        QVERIFY(panel.exportShown(m_dir.filePath(QStringLiteral("missing/dir/map")), &error).isEmpty());
        QVERIFY2(error.contains(QStringLiteral("missing/dir/map")), qPrintable(error));
    }

    void unusableModelIsReported()
    {
        auto project = open();
        QVERIFY(project);
        ExplainPanel panel(nullptr);
        panel.setProject(project.get());
        const QString empty = m_dir.filePath(QStringLiteral("not-a-model"));
        QVERIFY(QDir().mkpath(empty));
        panel.setModelFolder(empty);
        QSignalSpy ready(&panel, &ExplainPanel::ready);
        panel.setAsset(m_asset);
        QVERIFY(ready.wait(30000));
        QCOMPARE(ready.first().first().toBool(), false);
        QVERIFY2(panel.lastError().contains(empty), qPrintable(panel.lastError()));
        QVERIFY(!panel.isRunning()); // not retried in a loop
    }
};

QTEST_MAIN(TestExplainPanel)
#include "tst_explain_panel.moc"
