// SPDX-License-Identifier: MIT
// --backend and --dtype on the inference commands: bad values are refused with the choices, every
// command takes them, JSON says what ran the model, a missing CUDA hands the work to the CPU with a
// message, and Vulkan gives the CPU's answer where a Vulkan device exists.
#include "common/runloupe.h"
#include "common/testsupport.h"
#include "core/import/importjob.h"
#include "core/store/project.h"

#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe::test;

namespace {

const QString kModels = QStringLiteral(LOUPE_TEST_DATA "/../../resources/models/");

QStringList classifyArgs(const QStringList& extra)
{
    return QStringList{QStringLiteral("classify"),
                       QStringLiteral("--model"),
                       kModels + "shapes-vit",
                       QStringLiteral("--json"),
                       QStringLiteral("--topk"),
                       QStringLiteral("1"),
                       goldenDir(QStringLiteral("vit_classify")) + "/input.png"} +
           extra;
}

QJsonObject firstJsonLine(const QString& out)
{
    return QJsonDocument::fromJson(out.section(QLatin1Char('\n'), 0, 0).toUtf8()).object();
}

QString topLabel(const QJsonObject& row)
{
    return row.value(QStringLiteral("top"))
        .toArray()
        .first()
        .toObject()
        .value(QStringLiteral("label"))
        .toString();
}

} // namespace

class TestCliEngineOptions : public QObject
{
    Q_OBJECT
private slots:
    void badValuesListTheChoices()
    {
        const LoupeRun b = runLoupe(classifyArgs({QStringLiteral("--backend"), QStringLiteral("tpu")}));
        QCOMPARE(b.code, 2);
        QVERIFY2(b.err.contains(QStringLiteral("--backend takes auto, cpu, vulkan or cuda, got 'tpu'")),
                 qPrintable(b.err));
        const LoupeRun d = runLoupe(classifyArgs({QStringLiteral("--dtype"), QStringLiteral("f64")}));
        QCOMPARE(d.code, 2);
        QVERIFY2(d.err.contains(QStringLiteral("--dtype takes f32, bf16, f16 or int8, got 'f64'")),
                 qPrintable(d.err));
        // "default" is what leaving the option out means, not a value.
        QCOMPARE(runLoupe(classifyArgs({QStringLiteral("--dtype"), QStringLiteral("default")})).code, 2);
    }

    void everyInferenceCommandTakesThem()
    {
        for (const char* command : {"classify", "explain", "explain-quality", "caption", "ask", "match",
                                    "segment", "prelabel", "propagate", "generate"}) {
            const LoupeRun r = runLoupe({QString::fromLatin1(command), QStringLiteral("--help")});
            QCOMPARE(r.code, 0);
            QVERIFY2(r.out.contains(QStringLiteral("--backend")) && r.out.contains(QStringLiteral("--dtype")),
                     command);
        }
    }

    void jsonSaysWhatRanIt()
    {
        const LoupeRun r = runLoupe(classifyArgs({QStringLiteral("--backend"), QStringLiteral("cpu")}));
        QVERIFY2(r.code == 0, qPrintable(QStringLiteral("exit %1: %2").arg(r.code).arg(r.err)));
        const QJsonObject row = firstJsonLine(r.out);
        QCOMPARE(row.value(QStringLiteral("backend")).toString(), QStringLiteral("cpu"));
        QCOMPARE(row.value(QStringLiteral("precision")).toString(), QStringLiteral("f32"));
        QVERIFY(!row.value(QStringLiteral("device")).toString().isEmpty());
        QVERIFY(!row.contains(QStringLiteral("fallback_reason")));
        QVERIFY2(!r.err.contains(QStringLiteral("loupe classify:")), qPrintable(r.err)); // nothing fell back
    }

    // No GPU here (or no CUDA build): the CPU does the work, the user is told, and the run succeeds.
    void cudaFallsBackToTheCpu()
    {
        const LoupeRun cpu = runLoupe(classifyArgs({}));
        QVERIFY2(cpu.code == 0, qPrintable(QStringLiteral("exit %1: %2").arg(cpu.code).arg(cpu.err)));
        const LoupeRun r = runLoupe(classifyArgs({QStringLiteral("--backend"), QStringLiteral("cuda")}));
        QVERIFY2(r.code == 0, qPrintable(QStringLiteral("exit %1: %2").arg(r.code).arg(r.err)));
        const QJsonObject row = firstJsonLine(r.out);
        if (row.value(QStringLiteral("backend")).toString() == QLatin1String("cuda"))
            QSKIP("a CUDA GPU ran it: nothing fell back");
        QCOMPARE(row.value(QStringLiteral("backend")).toString(), QStringLiteral("cpu"));
        const QString reason = row.value(QStringLiteral("fallback_reason")).toString();
        QVERIFY2(reason.contains(QStringLiteral("cuda"), Qt::CaseInsensitive), qPrintable(reason));
        QVERIFY2(r.err.contains(QStringLiteral("loupe classify: ")) &&
                     r.err.contains(QStringLiteral("cuda"), Qt::CaseInsensitive),
                 qPrintable(r.err));
        QCOMPARE(topLabel(row), topLabel(firstJsonLine(cpu.out)));
    }

    void vulkanGivesTheCpusLabel()
    {
        const LoupeRun devices = runLoupe({QStringLiteral("devices")});
        if (!devices.out.contains(QStringLiteral("vulkan:")))
            QSKIP("loupe devices lists no Vulkan device here");
        const LoupeRun cpu = runLoupe(classifyArgs({QStringLiteral("--backend"), QStringLiteral("cpu")}));
        const LoupeRun vk = runLoupe(classifyArgs({QStringLiteral("--backend"), QStringLiteral("vulkan")}));
        QVERIFY2(cpu.code == 0, qPrintable(QStringLiteral("exit %1: %2").arg(cpu.code).arg(cpu.err)));
        QVERIFY2(vk.code == 0, qPrintable(QStringLiteral("exit %1: %2").arg(vk.code).arg(vk.err)));
        const QJsonObject row = firstJsonLine(vk.out);
        QCOMPARE(topLabel(row), topLabel(firstJsonLine(cpu.out)));
        // Either Vulkan ran it, or the JSON and stderr say why the CPU did.
        if (row.value(QStringLiteral("backend")).toString() != QLatin1String("vulkan")) {
            QVERIFY(!row.value(QStringLiteral("fallback_reason")).toString().isEmpty());
            QVERIFY(!vk.err.isEmpty());
        }
    }

    // A reduced precision is recorded as what ran, never claimed when the CPU ran f32 instead.
    void dtypeIsRecordedHonestly()
    {
        const LoupeRun r = runLoupe(classifyArgs({QStringLiteral("--backend"), QStringLiteral("cpu"),
                                                  QStringLiteral("--dtype"), QStringLiteral("bf16")}));
        QVERIFY2(r.code == 0, qPrintable(QStringLiteral("exit %1: %2").arg(r.code).arg(r.err)));
        const QJsonObject row = firstJsonLine(r.out);
        const QString precision = row.value(QStringLiteral("precision")).toString();
        QVERIFY2(precision == QLatin1String("bf16") || precision == QLatin1String("f32"),
                 qPrintable(precision));
        if (precision == QLatin1String("f32"))
            QVERIFY(row.value(QStringLiteral("fallback_reason")).toString().contains(QStringLiteral("bf16")));
    }

    // A command that stores runs stores what ran them: pre-labelling asked to use CUDA where there is none.
    void prelabelRunsRecordTheFallback()
    {
        QTemporaryDir dir;
        const QString images = dir.filePath(QStringLiteral("shapes"));
        const LoupeRun sample = runLoupe({QStringLiteral("sample"), QStringLiteral("shapes"), images,
                                          QStringLiteral("--count"), QStringLiteral("2")});
        QVERIFY2(sample.code == 0, qPrintable(sample.err));
        const QString file = dir.filePath(QStringLiteral("p.loupe"));
        {
            QString error;
            auto p = loupe::core::Project::create(file, &error);
            QVERIFY2(p, qPrintable(error));
            QCOMPARE(loupe::core::importFiles(*p, {images}).added, 2);
            QVERIFY(p->addLabel({0, QStringLiteral("circle"), Qt::red, {}, 0}, &error));
            QVERIFY(p->addLabel({0, QStringLiteral("square"), Qt::blue, {}, 1}, &error));
        }
        const LoupeRun r =
            runLoupe({QStringLiteral("prelabel"), file, QStringLiteral("--model"), kModels + "shapes-clip",
                      QStringLiteral("--backend"), QStringLiteral("cuda"), QStringLiteral("--json")});
        QVERIFY2(r.code == 0, qPrintable(QStringLiteral("exit %1: %2").arg(r.code).arg(r.err)));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        if (o.value(QStringLiteral("backend")).toString() == QLatin1String("cuda"))
            QSKIP("a CUDA GPU ran it: nothing fell back");
        QCOMPARE(o.value(QStringLiteral("backend")).toString(), QStringLiteral("cpu"));
        QVERIFY(o.value(QStringLiteral("fallback_reason"))
                    .toString()
                    .contains(QStringLiteral("cuda"), Qt::CaseInsensitive));
        QVERIFY2(r.err.contains(QStringLiteral("loupe prelabel: ")), qPrintable(r.err));
        QString error;
        auto p = loupe::core::Project::open(file, &error);
        QVERIFY2(p, qPrintable(error));
        for (const loupe::core::AssetRow& a : p->assetPage({}, 0, 10)) {
            const QVector<loupe::core::RunRecord> runs = p->runs(a.id, QStringLiteral("prelabel"));
            QCOMPARE(runs.size(), 1);
            QCOMPARE(runs[0].backend, QStringLiteral("cpu"));
            QCOMPARE(runs[0].precision, QStringLiteral("f32"));
            QVERIFY(!runs[0].device.isEmpty());
            QVERIFY2(runs[0].fallbackReason.contains(QStringLiteral("cuda"), Qt::CaseInsensitive),
                     qPrintable(runs[0].fallbackReason));
        }
    }

    void explainMarksItsOutputs()
    {
        QTemporaryDir out;
        const LoupeRun r =
            runLoupe({QStringLiteral("explain"), QStringLiteral("--model"), kModels + "shapes-vit",
                      QStringLiteral("--method"), QStringLiteral("rollout"), QStringLiteral("-o"), out.path(),
                      QStringLiteral("--backend"), QStringLiteral("cpu"),
                      goldenDir(QStringLiteral("vit_classify")) + "/input.png"});
        QVERIFY2(r.code == 0, qPrintable(QStringLiteral("exit %1: %2").arg(r.code).arg(r.err)));
        const QJsonObject row = firstJsonLine(r.out);
        QCOMPARE(row.value(QStringLiteral("backend")).toString(), QStringLiteral("cpu"));
        const QImage png(row.value(QStringLiteral("png")).toString());
        QVERIFY(!png.isNull());
        QCOMPARE(png.text(QStringLiteral("Loupe-Precision")),
                 row.value(QStringLiteral("precision")).toString());
        QCOMPARE(png.text(QStringLiteral("Loupe-Backend")), QStringLiteral("cpu"));
    }
};

QTEST_GUILESS_MAIN(TestCliEngineOptions)
#include "tst_cli_engine_options.moc"
