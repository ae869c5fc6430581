// SPDX-License-Identifier: MIT
// `loupe generate` end to end on the golden gpt2_generate case: the checkpoint's own tokenizer and the
// engine must give transformers' greedy and beam-search ids, texts and beam scores; bad input gets a clear
// error and a non-zero exit.
#include "common/runloupe.h"
#include "common/testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using loupe::test::LoupeRun;
using loupe::test::runLoupe;

class TestGenerateCli : public QObject
{
    Q_OBJECT
    QString dir_;
    QJsonObject outputs_;

    QJsonArray sequences(const QStringList& extra)
    {
        const LoupeRun r =
            runLoupe(QStringList{QStringLiteral("generate"), QStringLiteral("--model"), dir_,
                                 QStringLiteral("The quick brown fox"), QStringLiteral("--json")} +
                     extra);
        if (r.code != 0) qWarning() << r.err;
        return QJsonDocument::fromJson(r.out.toUtf8()).object().value(QLatin1String("sequences")).toArray();
    }

private slots:
    void initTestCase()
    {
        dir_ = loupe::test::goldenDir(QStringLiteral("gpt2_generate"));
        QFile f(dir_ + "/case.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        outputs_ = QJsonDocument::fromJson(f.readAll()).object().value(QLatin1String("outputs")).toObject();
        QVERIFY(!outputs_.isEmpty());
    }

    void greedy()
    {
        const QJsonArray s = sequences({QStringLiteral("--max-new-tokens"), QStringLiteral("16")});
        QCOMPARE(s.size(), 1);
        const QJsonObject o = s[0].toObject();
        QCOMPARE(o.value(QLatin1String("text")).toString(),
                 outputs_.value(QLatin1String("greedy_text")).toString());
        const QJsonArray ids = o.value(QLatin1String("token_ids")).toArray();
        QCOMPARE(ids.size(), 23);
        QCOMPARE(ids[0].toInt(), 294); // "The": the prompt is part of the sequence
    }

    void beams()
    {
        const QJsonArray s =
            sequences({QStringLiteral("--beams"), QStringLiteral("3"), QStringLiteral("--max-new-tokens"),
                       QStringLiteral("12"), QStringLiteral("--num-return-sequences"), QStringLiteral("3")});
        const QJsonArray want = outputs_.value(QLatin1String("beam_texts")).toArray();
        QCOMPARE(s.size(), want.size());
        double previous = 0;
        for (int i = 0; i < s.size(); ++i) {
            const QJsonObject o = s[i].toObject();
            QCOMPARE(o.value(QLatin1String("text")).toString(), want[i].toString());
            const double score = o.value(QLatin1String("score")).toDouble();
            QVERIFY(score < 0 && (i == 0 || score <= previous)); // best first
            previous = score;
        }
    }

    void sampledIsReproducible()
    {
        const QStringList opts = {QStringLiteral("--sample"), QStringLiteral("--seed"),
                                  QStringLiteral("11"),       QStringLiteral("--max-new-tokens"),
                                  QStringLiteral("10"),       QStringLiteral("--num-return-sequences"),
                                  QStringLiteral("2")};
        const QJsonArray a = sequences(opts), b = sequences(opts);
        QCOMPARE(a.size(), 2);
        QCOMPARE(a, b);
    }

    void errors()
    {
        auto run = [&](const QStringList& args) {
            return runLoupe(QStringList{QStringLiteral("generate")} + args);
        };
        LoupeRun r = run({QStringLiteral("--model"), loupe::test::goldenDir(QStringLiteral("vit_classify")),
                          QStringLiteral("hi")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QLatin1String("not supported by the GPT-2 engine")), qPrintable(r.err));
        r = run({QStringLiteral("--model"), dir_, QStringLiteral("The quick brown fox ").repeated(12)});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QLatin1String("at most 64 positions")), qPrintable(r.err));
        r = run({QStringLiteral("--model"), dir_, QStringLiteral("hi"), QStringLiteral("--beams"),
                 QStringLiteral("0")});
        QCOMPARE(r.code, 2);
        r = run({QStringLiteral("--model"), dir_, QStringLiteral("hi"),
                 QStringLiteral("--num-return-sequences"), QStringLiteral("2")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QLatin1String("at most as many sequences as there are beams")),
                 qPrintable(r.err));
        // A checkpoint without its tokenizer files.
        QTemporaryDir tmp;
        for (const char* f : {"config.json", "model.safetensors"})
            QVERIFY(QFile::copy(dir_ + "/" + f, tmp.filePath(QLatin1String(f))));
        r = run({QStringLiteral("--model"), tmp.path(), QStringLiteral("hi")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(tmp.path()), qPrintable(r.err));
        r = run({QStringLiteral("--help")});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains(QLatin1String("loupe generate")) && r.out.contains(QLatin1String("--top-p")));
    }
};

QTEST_APPLESS_MAIN(TestGenerateCli)
#include "tst_generate_cli.moc"
