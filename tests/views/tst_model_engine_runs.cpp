// SPDX-License-Identifier: MIT
// The backend and precision chosen for a model in the Models panel reach the Caption and Ask panels and
// the SAM tool: a stored caption or answer carries the backend, device and precision that ran it (and why
// the CPU ran it when the chosen backend is missing), the panels' status says so, and SAM opens with the
// choice.
#include "common/testsupport.h"
#include "core/inference/execution.h"
#include "core/models/engine_choice.h"
#include "core/store/captions.h"
#include "core/store/project.h"
#include "core/store/records.h"
#include "tst_text_panel_fixture.h"
#include "views/annotate/samtool.h"
#include "views/annotate/shapescene.h"
#include "views/ask/askpanel.h"
#include "views/caption/captionpanel.h"

#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace loupe;
using namespace loupe::views;

namespace {

// CUDA is asked for by name: where there is none the CPU runs the model and the run says why; where
// there is one the run names its GPU. Either way the choice must have reached the run.
compute::EngineOptions cudaChoice()
{
    compute::EngineOptions o;
    o.backend = compute::BackendChoice::Cuda;
    return o;
}

// What a run stored for the choice above must say.
void checkRun(const core::RunRecord& run)
{
    QVERIFY2(run.backend == QLatin1String("cpu") || run.backend == QLatin1String("cuda"),
             qPrintable(run.backend));
    QVERIFY(!run.device.isEmpty());
    QCOMPARE(run.precision, QStringLiteral("f32"));
    const compute::ExecutionRecord planned = core::plannedExecution(cudaChoice());
    if (planned.backend == "cpu")
        QVERIFY2(run.fallbackReason.contains(QStringLiteral("cuda"), Qt::CaseInsensitive),
                 qPrintable(run.fallbackReason));
}

} // namespace

class TestModelEngineRuns : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("loupe-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_model_engine_runs"));
        QSettings().clear();
    }
    void cleanupTestCase() { QSettings().clear(); }
    void captionRunSaysWhatRanIt();
    void answerRunSaysWhatRanIt();
    void samOpensWithTheChoice();
};

void TestModelEngineRuns::captionRunSaysWhatRanIt()
{
    const text_panel_test::GoldenAssetProject fx(QStringLiteral("vit_gpt2_caption"));
    QVERIFY2(fx.ok(), qPrintable(fx.error));
    core::setModelEngineOptions(fx.model, cudaChoice());
    CaptionPanel panel(nullptr);
    text_panel_test::showAsset(panel, fx);
    QSignalSpy finished(&panel, &CaptionPanel::finished);
    QVERIFY(panel.generate());
    QVERIFY(finished.wait(120000));
    QVERIFY2(finished.first().first().toBool(), qPrintable(panel.lastError()));
    // The status line names what ran it, as the Classify panel's does.
    const QLabel* status = panel.findChild<QLabel*>(QStringLiteral("captionStatus"));
    QVERIFY(status);
    const QString shown = status->text();
    QVERIFY(panel.saveCaption());
    const QVector<core::RunRecord> runs = fx.project->runs(fx.asset, QStringLiteral("caption"));
    QCOMPARE(runs.size(), 1);
    checkRun(runs.first());
    QVERIFY2(shown.contains(runs.first().device), qPrintable(shown));
}

void TestModelEngineRuns::answerRunSaysWhatRanIt()
{
    const text_panel_test::GoldenAssetProject fx(QStringLiteral("blip_vqa"));
    QVERIFY2(fx.ok(), qPrintable(fx.error));
    core::setModelEngineOptions(fx.model, cudaChoice());
    AskPanel panel(nullptr);
    text_panel_test::showAsset(panel, fx);
    QSignalSpy finished(&panel, &AskPanel::finished);
    QVERIFY(panel.ask(QStringLiteral("what is in the picture?")));
    QVERIFY(finished.wait(120000));
    QVERIFY2(finished.first().first().toBool(), qPrintable(panel.lastError()));
    const QVector<core::RunRecord> runs = fx.project->runs(fx.asset, QStringLiteral("ask"));
    QCOMPARE(runs.size(), 1);
    checkRun(runs.first());
    const QLabel* status = panel.findChild<QLabel*>(QStringLiteral("askStatus"));
    QVERIFY(status);
    QVERIFY2(status->text().contains(runs.first().device), qPrintable(status->text()));
}

void TestModelEngineRuns::samOpensWithTheChoice()
{
    const QString model = test::goldenDir(QStringLiteral("sam_segment"));
    compute::EngineOptions chosen;
    chosen.backend = compute::BackendChoice::Cpu;
    chosen.precision = compute::Precision::BF16;
    core::setModelEngineOptions(model, chosen);
    SamTool tool(nullptr);
    QSignalSpy loaded(&tool, &SamTool::modelLoaded);
    tool.setModelFolder(model);
    QVERIFY(loaded.wait(20000));
    QVERIFY2(loaded.first().first().toBool(), qPrintable(loaded.first().at(1).toString()));
    const auto sam = tool.segmenter()->model();
    QVERIFY(sam);
    QCOMPARE(sam->engineOptions.backend, compute::BackendChoice::Cpu);
    QCOMPARE(sam->engineOptions.precision, compute::Precision::BF16);
}

QTEST_MAIN(TestModelEngineRuns)
#include "tst_model_engine_runs.moc"
