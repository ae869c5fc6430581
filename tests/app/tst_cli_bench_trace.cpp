// SPDX-License-Identifier: MIT
// `loupe bench ... --trace FILE --backend B --dtype D`: the trace is Trace Event Format JSON whose events
// name the graph nodes the engine computed (GPT-2's blk.N.* nodes, with their layer and shape); the JSON
// says which backend, device and precision ran; an unwritable trace path, an unknown backend and an
// unknown dtype are clear errors before anything runs.
#include "common/runloupe.h"
#include "common/testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using loupe::test::LoupeRun;
using loupe::test::runLoupe;

class TestCliBenchTrace : public QObject
{
    Q_OBJECT

    static QStringList generate(const QStringList& extra)
    {
        return QStringList{
                   QStringLiteral("bench"),        QStringLiteral("generate"),
                   QStringLiteral("--model"),      loupe::test::goldenDir(QStringLiteral("gpt2_generate")),
                   QStringLiteral("--runs"),       QStringLiteral("1"),
                   QStringLiteral("--new-tokens"), QStringLiteral("3"),
                   QStringLiteral("--threads"),    QStringLiteral("1")} +
               extra;
    }

private slots:
    void traceNamesTheGraphNodes()
    {
        QTemporaryDir dir;
        const QString trace = dir.filePath(QStringLiteral("gpt2.trace.json"));
        const LoupeRun r =
            runLoupe(generate({QStringLiteral("--trace"), trace, QStringLiteral("--backend"),
                               QStringLiteral("cpu"), QStringLiteral("--dtype"), QStringLiteral("f32")}));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject j = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const QJsonObject engine = j.value(QLatin1String("engine")).toObject();
        QCOMPARE(engine.value(QLatin1String("requested_backend")).toString(), QStringLiteral("cpu"));
        QCOMPARE(engine.value(QLatin1String("requested_dtype")).toString(), QStringLiteral("f32"));
        QCOMPARE(engine.value(QLatin1String("backend")).toString(), QStringLiteral("cpu"));
        QVERIFY(!engine.value(QLatin1String("device")).toString().isEmpty());
        QVERIFY(!engine.value(QLatin1String("precision")).toString().isEmpty());
        const QJsonObject traced = j.value(QLatin1String("trace")).toObject();
        QCOMPARE(traced.value(QLatin1String("file")).toString(), trace);
        // Warm-up and timed run: a prefill and decode steps each.
        QVERIFY(traced.value(QLatin1String("graph_runs")).toInt() >= 4);

        QFile f(trace);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        const QJsonArray events = doc.object().value(QLatin1String("traceEvents")).toArray();
        QSet<QString> nodes, ops;
        int graphRuns = 0;
        for (const auto& v : events) {
            const QJsonObject e = v.toObject();
            if (e.value(QLatin1String("ph")).toString() != QLatin1String("X")) continue;
            QVERIFY(e.contains(QLatin1String("ts")) && e.contains(QLatin1String("dur")));
            QCOMPARE(e.value(QLatin1String("pid")).toInt(), 1); // the CPU backend
            if (e.value(QLatin1String("cat")).toString() == QLatin1String("graph")) {
                ++graphRuns;
                continue;
            }
            const QJsonObject args = e.value(QLatin1String("args")).toObject();
            nodes << args.value(QLatin1String("node")).toString();
            ops << e.value(QLatin1String("cat")).toString();
            QVERIFY(args.value(QLatin1String("shape")).toString().startsWith(QLatin1Char('[')));
            if (args.value(QLatin1String("node")).toString() == QLatin1String("blk.1.attn_probs"))
                QCOMPARE(args.value(QLatin1String("layer")).toInt(), 1);
        }
        QCOMPARE(graphRuns, traced.value(QLatin1String("graph_runs")).toInt());
        for (const char* node : {"blk.0.attn_probs", "blk.1.attn_probs", "final_norm", "logits"})
            QVERIFY2(nodes.contains(QLatin1String(node)), node);
        for (const char* op : {"linear", "layer_norm", "softmax", "matmul"})
            QVERIFY2(ops.contains(QLatin1String(op)), op);
    }

    // Each backend is a process of its own in the trace, named with its device: Vulkan where a device
    // (lavapipe on CI) takes the run, else the CPU it fell back to.
    void backendIsTheTraceProcess()
    {
        QTemporaryDir dir;
        const QString trace = dir.filePath(QStringLiteral("vulkan.trace.json"));
        const LoupeRun r = runLoupe(generate(
            {QStringLiteral("--trace"), trace, QStringLiteral("--backend"), QStringLiteral("vulkan")}));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject engine =
            QJsonDocument::fromJson(r.out.toUtf8()).object().value(QLatin1String("engine")).toObject();
        const QString backend = engine.value(QLatin1String("backend")).toString();
        QVERIFY2(backend == QLatin1String("vulkan") || backend == QLatin1String("cpu"), qPrintable(backend));
        qInfo("ran on %s (%s)", qPrintable(backend),
              qPrintable(engine.value(QLatin1String("device")).toString()));
        const int pid = backend == QLatin1String("vulkan") ? 2 : 1;
        QFile f(trace);
        QVERIFY(f.open(QIODevice::ReadOnly));
        int nodes = 0;
        QString process;
        for (const auto& v :
             QJsonDocument::fromJson(f.readAll()).object().value(QLatin1String("traceEvents")).toArray()) {
            const QJsonObject e = v.toObject();
            if (e.value(QLatin1String("ph")).toString() == QLatin1String("M") &&
                e.value(QLatin1String("name")).toString() == QLatin1String("process_name"))
                process = e.value(QLatin1String("args")).toObject().value(QLatin1String("name")).toString();
            if (e.value(QLatin1String("ph")).toString() != QLatin1String("X")) continue;
            QCOMPARE(e.value(QLatin1String("pid")).toInt(), pid);
            ++nodes;
        }
        QVERIFY(nodes > 10);
        QCOMPARE(process,
                 QStringLiteral("%1 (%2)").arg(backend, engine.value(QLatin1String("device")).toString()));
    }

    void badTracePathIsAClearError()
    {
        const QString bad = QStringLiteral("/nonexistent-loupe-folder/trace.json");
        const LoupeRun r = runLoupe(generate({QStringLiteral("--trace"), bad}));
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(bad) && r.err.contains(QLatin1String("cannot write the trace")),
                 qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

    void badBackendAndDtype()
    {
        LoupeRun r = runLoupe(generate({QStringLiteral("--backend"), QStringLiteral("tpu")}));
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(QLatin1String("--backend must be auto, cpu, vulkan or cuda, got \"tpu\"")),
                 qPrintable(r.err));
        r = runLoupe(generate({QStringLiteral("--dtype"), QStringLiteral("f64")}));
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(QLatin1String("--dtype must be f32, bf16, f16 or int8, got \"f64\"")),
                 qPrintable(r.err));
        r = runLoupe({QStringLiteral("bench"), QStringLiteral("vit"), QStringLiteral("--help")});
        QCOMPARE(r.code, 0);
        for (const char* o : {"--trace", "--backend", "--dtype"})
            QVERIFY2(r.out.contains(QLatin1String(o)), o);
    }
};

QTEST_APPLESS_MAIN(TestCliBenchTrace)
#include "tst_cli_bench_trace.moc"
