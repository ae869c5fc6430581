// SPDX-License-Identifier: MIT
// `loupe bench generate|caption|tokenizer`: each prints one JSON object with its measurements (on the
// golden GPT-2 checkpoint, the quick 2-layer captioning models and the golden tokenizers, so the test stays
// short); the help lists every benchmark; bad options and missing folders get clear errors.
#include "common/runloupe.h"
#include "common/testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using loupe::test::LoupeRun;
using loupe::test::runLoupe;

class TestCliBench : public QObject
{
    Q_OBJECT

    static QJsonObject json(const LoupeRun& r)
    {
        if (r.code != 0) qWarning() << r.err;
        return QJsonDocument::fromJson(r.out.toUtf8()).object();
    }
    static QString tokenizers() { return loupe::test::goldenDir(QStringLiteral("tokenizers")); }

private slots:
    void helpListsEveryBenchmark()
    {
        const LoupeRun r = runLoupe({QStringLiteral("bench"), QStringLiteral("--help")});
        QCOMPARE(r.code, 0);
        for (const char* name : {"vit", "generate", "caption", "tokenizer"})
            QVERIFY2(r.out.contains(QLatin1String("  ") + QLatin1String(name)), qPrintable(r.out));
        const LoupeRun g =
            runLoupe({QStringLiteral("bench"), QStringLiteral("generate"), QStringLiteral("--help")});
        QCOMPARE(g.code, 0);
        QVERIFY(g.out.contains(QLatin1String("Usage: loupe bench")));
        QVERIFY(g.out.contains(QLatin1String("--new-tokens")) && g.out.contains(QLatin1String("--save")));
    }

    void generateOnACheckpoint()
    {
        const QString model = loupe::test::goldenDir(QStringLiteral("gpt2_generate"));
        const QJsonObject j = json(
            runLoupe({QStringLiteral("bench"), QStringLiteral("generate"), QStringLiteral("--model"), model,
                      QStringLiteral("--runs"), QStringLiteral("1"), QStringLiteral("--new-tokens"),
                      QStringLiteral("6"), QStringLiteral("--threads"), QStringLiteral("1")}));
        QCOMPARE(j.value(QLatin1String("benchmark")).toString(), QStringLiteral("gpt2_decode"));
        QCOMPARE(j.value(QLatin1String("model")).toString(), model);
        QCOMPARE(j.value(QLatin1String("new_tokens")).toInt(), 6);
        QCOMPARE(j.value(QLatin1String("threads")).toInt(), 1);
        QVERIFY(j.value(QLatin1String("decode_tokens_per_s_median")).toDouble() > 0);
        QVERIFY(j.contains(QLatin1String("load_average_1min")));
    }

    void captionQuickWithTokenizers()
    {
        const QJsonObject j =
            json(runLoupe({QStringLiteral("bench"), QStringLiteral("caption"), QStringLiteral("--quick"),
                           QStringLiteral("--runs"), QStringLiteral("1"), QStringLiteral("--new-tokens"),
                           QStringLiteral("3"), QStringLiteral("--tokenizers"), tokenizers()}));
        for (const char* part : {"vit_gpt2", "blip_base"})
            for (const char* mode : {"plain", "traced"})
                QVERIFY2(j.value(QLatin1String(part))
                                 .toObject()
                                 .value(QLatin1String(mode))
                                 .toObject()
                                 .value(QLatin1String("time_to_first_token_ms_median"))
                                 .toDouble() > 0,
                         part);
        QVERIFY(j.value(QLatin1String("gpt2_decode")).toObject().contains(QLatin1String("batch8")));
        QCOMPARE(
            j.value(QLatin1String("tokenizer")).toObject().value(QLatin1String("results")).toArray().size(),
            6);
    }

    void tokenizer()
    {
        const QJsonObject j =
            json(runLoupe({QStringLiteral("bench"), QStringLiteral("tokenizer"),
                           QStringLiteral("--megabytes"), QStringLiteral("0.05"), tokenizers()}));
        const QJsonArray results = j.value(QLatin1String("results")).toArray();
        QCOMPARE(results.size(), 6); // gpt2, clip, bert x prose, unique
        for (const auto& v : results)
            QVERIFY(v.toObject().value(QLatin1String("encode_mb_per_s")).toDouble() > 0);
    }

    void badInput()
    {
        LoupeRun r = runLoupe({QStringLiteral("bench"), QStringLiteral("nope")});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains(QLatin1String("unknown benchmark \"nope\"")));
        r = runLoupe({QStringLiteral("bench"), QStringLiteral("generate"), QStringLiteral("--runs"),
                      QStringLiteral("0")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(QLatin1String("--runs must be an integer of at least 1")), qPrintable(r.err));
        r = runLoupe({QStringLiteral("bench"), QStringLiteral("tokenizer")});
        QCOMPARE(r.code, 2);
        QTemporaryDir empty;
        r = runLoupe({QStringLiteral("bench"), QStringLiteral("tokenizer"), empty.path()});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(empty.path()), qPrintable(r.err));
        r = runLoupe(
            {QStringLiteral("bench"), QStringLiteral("generate"), QStringLiteral("--model"), empty.path()});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(empty.path()), qPrintable(r.err));
    }
};

QTEST_APPLESS_MAIN(TestCliBench)
#include "tst_cli_bench.moc"
