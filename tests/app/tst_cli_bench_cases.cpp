// SPDX-License-Identifier: MIT
// `loupe bench vit-forward|gpt2-decode|vit-attribution|sam-encoder` (the GPU benchmark set) on the CPU with
// one timed run each: every case prints one JSON object with the keys tools/bench/peer_torch_gpu.py and
// tools/bench/gpu_session.sh read, the execution record's backend/device/precision, and a measurement
// that is a positive number; bad option values are usage errors naming the option.
#include "common/runloupe.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <cmath>

using loupe::test::LoupeRun;
using loupe::test::runLoupe;

class TestCliBenchCases : public QObject
{
    Q_OBJECT

    // Runs one case on the CPU, one timed run, no warm-up; checks the shared keys and returns the object.
    static QJsonObject runCase(const QString& name, QStringList extra = {})
    {
        const LoupeRun r = runLoupe(
            QStringList{QStringLiteral("bench"), name, QStringLiteral("--backend"), QStringLiteral("cpu"),
                        QStringLiteral("--runs"), QStringLiteral("1"), QStringLiteral("--warmup"),
                        QStringLiteral("0"), QStringLiteral("--threads"), QStringLiteral("2")} +
                extra,
            300000);
        if (r.code != 0) qWarning() << r.err;
        [&] { QCOMPARE(r.code, 0); }();
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(r.out.toUtf8(), &error);
        [&] { QVERIFY2(error.error == QJsonParseError::NoError && doc.isObject(), qPrintable(r.out)); }();
        const QJsonObject j = doc.object();
        for (const char* key :
             {"case", "machine", "device", "backend", "precision", "requested_backend", "requested_dtype",
              "batch", "warmup", "runs", "ms_median", "ms_p90", "ms_min", "throughput", "throughput_unit"})
            [&] { QVERIFY2(j.contains(QLatin1String(key)), key); }();
        [&] {
            QCOMPARE(j.value(QLatin1String("backend")).toString(), QStringLiteral("cpu"));
            QCOMPARE(j.value(QLatin1String("device")).toString(), QStringLiteral("cpu"));
            QCOMPARE(j.value(QLatin1String("precision")).toString(), QStringLiteral("f32"));
            QCOMPARE(j.value(QLatin1String("runs")).toInt(), 1);
            QCOMPARE(j.value(QLatin1String("warmup")).toInt(), 0);
            QVERIFY(j.value(QLatin1String("ms_median")).toDouble() > 0);
            QVERIFY(j.value(QLatin1String("ms_p90")).toDouble() >=
                    j.value(QLatin1String("ms_min")).toDouble());
            QVERIFY(j.value(QLatin1String("throughput")).toDouble() > 0);
            QVERIFY(
                j.value(QLatin1String("machine")).toObject().value(QLatin1String("logical_cores")).toInt() >
                0);
        }();
        return j;
    }

private slots:
    void helpListsTheCases()
    {
        const LoupeRun r = runLoupe({QStringLiteral("bench"), QStringLiteral("--help")});
        QCOMPARE(r.code, 0);
        for (const char* name : {"vit-forward", "gpt2-decode", "vit-attribution", "sam-encoder"})
            QVERIFY2(r.out.contains(QLatin1String("  ") + QLatin1String(name)), qPrintable(r.out));
    }

    void vitForwardAtBatchTwoWithLogits()
    {
        const QJsonObject j =
            runCase(QStringLiteral("vit-forward"),
                    {QStringLiteral("--batch"), QStringLiteral("2"), QStringLiteral("--print-logits")});
        QCOMPARE(j.value(QLatin1String("case")).toString(), QStringLiteral("vit-b16-224-forward"));
        QCOMPARE(j.value(QLatin1String("batch")).toInt(), 2);
        QCOMPARE(j.value(QLatin1String("throughput_unit")).toString(), QStringLiteral("images/s"));
        // Two images per run: throughput is twice the runs per second.
        QVERIFY(std::abs(j.value(QLatin1String("throughput")).toDouble() -
                         2000.0 / j.value(QLatin1String("ms_median")).toDouble()) < 1e-6);
        const QJsonArray logits = j.value(QLatin1String("logits_image0")).toArray();
        QCOMPARE(logits.size(), 1000);
        for (const auto& v : logits)
            QVERIFY(std::isfinite(v.toDouble()));
    }

    void gpt2Decode()
    {
        const QJsonObject j =
            runCase(QStringLiteral("gpt2-decode"), {QStringLiteral("--new-tokens"), QStringLiteral("3")});
        QCOMPARE(j.value(QLatin1String("case")).toString(), QStringLiteral("gpt2-small-decode"));
        QCOMPARE(j.value(QLatin1String("throughput_unit")).toString(), QStringLiteral("tokens/s"));
        QCOMPARE(j.value(QLatin1String("new_tokens")).toInt(), 3);
        QVERIFY(j.value(QLatin1String("prefill_ms_median")).toDouble() > 0);
    }

    void vitAttribution()
    {
        const QJsonObject j = runCase(QStringLiteral("vit-attribution"));
        QCOMPARE(j.value(QLatin1String("case")).toString(),
                 QStringLiteral("vit-b16-attribution-forward-backward"));
        QCOMPARE(j.value(QLatin1String("attention_gradients")).toInt(), 12); // one per ViT-B layer
    }

    void samEncoderShrunk()
    {
        const QJsonObject j =
            runCase(QStringLiteral("sam-encoder"), {QStringLiteral("--image-size"), QStringLiteral("224"),
                                                    QStringLiteral("--layers"), QStringLiteral("3")});
        QCOMPARE(j.value(QLatin1String("case")).toString(), QStringLiteral("sam-vit-b-encoder-224"));
        QCOMPARE(j.value(QLatin1String("layers")).toInt(), 3);
        const QJsonArray shape = j.value(QLatin1String("embedding_shape")).toArray();
        QCOMPARE(shape.size(), 3); // [14, 14, 256]: 224 / 16 tokens a side, SAM's 256 output channels
        QCOMPARE(shape[0].toInt(), 14);
        QCOMPARE(shape[2].toInt(), 256);
    }

    void badOptionsAreUsageErrors()
    {
        LoupeRun r = runLoupe({QStringLiteral("bench"), QStringLiteral("vit-forward"),
                               QStringLiteral("--batch"), QStringLiteral("0")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(QLatin1String("--batch must be 1 to 4096, got 0")), qPrintable(r.err));
        r = runLoupe({QStringLiteral("bench"), QStringLiteral("sam-encoder"), QStringLiteral("--image-size"),
                      QStringLiteral("100")});
        QCOMPARE(r.code, 2);
        QVERIFY2(
            r.err.contains(QLatin1String("--image-size must be a multiple of 16 from 16 to 4096, got 100")),
            qPrintable(r.err));
        r = runLoupe({QStringLiteral("bench"), QStringLiteral("gpt2-decode"), QStringLiteral("--warmup"),
                      QStringLiteral("x")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(QLatin1String("--warmup must be an integer, got \"x\"")), qPrintable(r.err));
    }
};

QTEST_APPLESS_MAIN(TestCliBenchCases)
#include "tst_cli_bench_cases.moc"
