// SPDX-License-Identifier: MIT
// What ran a model is recorded honestly: the engine's own record when it wrote one, otherwise the CPU at
// f32 with the reason when more was asked for; the per-model choice round-trips through the settings;
// a batch job stores what ran each image in its runs rows.
#include "common/testsupport.h"
#include "core/inference/execution.h"
#include "core/jobs/batchinference.h"
#include "core/models/engine_choice.h"
#include "core/store/project.h"

#include <QCoreApplication>
#include <QFile>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace loupe;
using namespace loupe::core;

class TestExecutionRecord : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("loupe-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_execution_record"));
        QSettings().clear();
    }

    void defaultRunsOnTheCpuAtF32()
    {
        const ExecutionScope scope({});
        const compute::ExecutionRecord r = scope.finish();
        QCOMPARE(r.backend, std::string("cpu"));
        QCOMPARE(r.precision, std::string("f32"));
        QVERIFY(!r.device.empty());
        QVERIFY(r.fallbackReason.empty());
        QVERIFY(!isReducedPrecision(r));
    }

    void missingCudaSaysWhy()
    {
        if (plannedExecution({compute::BackendChoice::Cuda, {}}).backend == "cuda")
            QSKIP("a CUDA GPU is here");
        const ExecutionScope scope({compute::BackendChoice::Cuda, {}});
        const compute::ExecutionRecord r = scope.finish();
        QCOMPARE(r.backend, std::string("cpu"));
        QVERIFY2(
            QString::fromStdString(r.fallbackReason).contains(QStringLiteral("cuda"), Qt::CaseInsensitive),
            r.fallbackReason.c_str());
        const QJsonObject j = executionJson(r);
        QCOMPARE(j.value(QStringLiteral("backend")).toString(), QStringLiteral("cpu"));
        QVERIFY(j.value(QStringLiteral("fallback_reason"))
                    .toString()
                    .contains(QStringLiteral("cuda"), Qt::CaseInsensitive));
    }

    // Before the engine honours a precision it records nothing, and the run must not claim bf16.
    void unrecordedPrecisionIsNotClaimed()
    {
        const ExecutionScope scope({compute::BackendChoice::Cpu, compute::Precision::BF16});
        const compute::ExecutionRecord r = scope.finish();
        QCOMPARE(r.precision, std::string("f32"));
        QVERIFY2(r.fallbackReason.find("bf16") != std::string::npos, r.fallbackReason.c_str());
    }

    // What the engine records while the scope is open wins.
    void theEnginesRecordWins()
    {
        const ExecutionScope scope({compute::BackendChoice::Cpu, compute::Precision::BF16});
        compute::setLastExecution({"cpu", "test cpu", "bf16", ""});
        const compute::ExecutionRecord r = scope.finish();
        QCOMPARE(r.precision, std::string("bf16"));
        QCOMPARE(r.device, std::string("test cpu"));
        QVERIFY(r.fallbackReason.empty());
        QVERIFY(isReducedPrecision(r));
        RunRecord run;
        applyExecution(run, r);
        QCOMPARE(run.precision, QStringLiteral("bf16"));
        QCOMPARE(run.device, QStringLiteral("test cpu"));
        // A new scope forgets it: a model that records nothing is not credited with another's device.
        const ExecutionScope next({});
        QCOMPARE(next.finish().precision, std::string("f32"));
    }

    void choicePerModelRoundTrips()
    {
        QTemporaryDir dir;
        const QString a = dir.filePath(QStringLiteral("model-a")),
                      b = dir.filePath(QStringLiteral("model/b"));
        QCOMPARE(modelEngineOptions(a).backend, compute::BackendChoice::Auto);
        setModelEngineOptions(a, {compute::BackendChoice::Cpu, compute::Precision::Int8});
        QCOMPARE(modelEngineOptions(a).backend, compute::BackendChoice::Cpu);
        QCOMPARE(modelEngineOptions(a).precision, compute::Precision::Int8);
        QCOMPARE(modelEngineOptions(b).precision, compute::Precision::Default); // per folder
        // The command line's options win over the stored choice.
        QCOMPARE(engineOptionsOr(compute::EngineOptions{}, a).precision, compute::Precision::Default);
        QCOMPARE(engineOptionsOr(std::nullopt, a).precision, compute::Precision::Int8);
        // An unknown stored value (a newer build, a hand edit) keeps the default.
        QSettings().setValue(
            QStringLiteral("modelEngine/%1/backend").arg(QString::fromLatin1(QUrl::toPercentEncoding(b))),
            QStringLiteral("quantum"));
        QCOMPARE(modelEngineOptions(b).backend, compute::BackendChoice::Auto);
        setModelEngineOptions(a, {});
        QVERIFY(!QSettings().contains(
            QStringLiteral("modelEngine/%1/backend").arg(QString::fromLatin1(QUrl::toPercentEncoding(a)))));
        const QStringList backends = availableBackendChoices();
        QCOMPARE(backends.mid(0, 2), (QStringList{QStringLiteral("auto"), QStringLiteral("cpu")}));
        QCOMPARE(precisionChoices().size(), 5);
    }

    // A batch asked to run on CUDA where there is none stores runs that say the CPU ran them and why.
    void batchRunsRecordWhatRanThem()
    {
        if (plannedExecution({compute::BackendChoice::Cuda, {}}).backend == "cuda")
            QSKIP("a CUDA GPU is here");
        const QString model = test::goldenDir(QStringLiteral("vit_gpt2_caption"));
        QTemporaryDir dir;
        QString error;
        auto p = Project::create(dir.filePath(QStringLiteral("b.loupe")), &error);
        QVERIFY2(p, qPrintable(error));
        AssetRecord a;
        a.absolutePath = dir.filePath(QStringLiteral("img.png"));
        QVERIFY(QFile::copy(model + "/input.png", a.absolutePath));
        a.sha256Hex = QStringLiteral("x");
        a.width = a.height = 32;
        QVERIFY2(p->addAssets({a}, &error), qPrintable(error));
        const qint64 id = p->assetPage({}, 0, 1).first().id;
        BatchRequest r;
        r.kind = BatchRequest::Kind::Caption;
        r.modelFolder = model;
        r.assetIds = {id};
        r.decoding = {{QStringLiteral("max_new_tokens"), 3}};
        r.engine = compute::EngineOptions{compute::BackendChoice::Cuda, compute::Precision::Default};
        const BatchReport rep = runBatch(*p, r);
        QVERIFY2(rep.error.isEmpty(), qPrintable(rep.error));
        QCOMPARE(rep.stored, 1);
        const QVector<RunRecord> runs = p->runs(id, QStringLiteral("caption"));
        QCOMPARE(runs.size(), 1);
        QCOMPARE(runs[0].backend, QStringLiteral("cpu"));
        QCOMPARE(runs[0].precision, QStringLiteral("f32"));
        QVERIFY(!runs[0].device.isEmpty());
        QVERIFY2(runs[0].fallbackReason.contains(QStringLiteral("cuda"), Qt::CaseInsensitive),
                 qPrintable(runs[0].fallbackReason));
        // The backend is not a parameter (resume skips the image on the CPU too); a precision is.
        QVERIFY(!runs[0].parameters.contains(QStringLiteral("precision")));
        r.engine = compute::EngineOptions{compute::BackendChoice::Cpu, compute::Precision::Default};
        QCOMPARE(runBatch(*p, r).skipped, 1);
        r.engine = compute::EngineOptions{compute::BackendChoice::Cpu, compute::Precision::BF16};
        QCOMPARE(r.parameters().value(QStringLiteral("precision")).toString(), QStringLiteral("bf16"));
        QCOMPARE(runBatch(*p, r).stored, 1);
    }
};

QTEST_GUILESS_MAIN(TestExecutionRecord)
#include "tst_execution_record.moc"
