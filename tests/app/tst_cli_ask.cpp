// SPDX-License-Identifier: MIT
// `loupe ask` end to end on the golden blip_vqa case: the checkpoint's own image processor, tokenizer and
// generation settings with the engine must give transformers' answer ids and text; beams and seeded
// sampling run and repeat; other architectures, missing tokenizer or processor files, questions past the
// model's positions and unreadable images get a clear error and a non-zero exit.
#include "common/golden.h"
#include "common/runloupe.h"
#include "common/testsupport.h"
#include "compute/attribution/npy.h"
#include "compute/io/safetensors.h"
#include "compute/tensor.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using namespace loupe::compute;
using loupe::test::LoupeRun;
using loupe::test::runLoupe;

namespace {

std::vector<int64_t> idsOf(const QJsonArray& a)
{
    std::vector<int64_t> out;
    for (const QJsonValue v : a)
        out.push_back(v.toInteger());
    return out;
}

} // namespace

class TestCliAsk : public QObject
{
    Q_OBJECT
    QString dir_, image_, question_;
    std::vector<int64_t> answerIds_;

    QStringList args(const QString& model, const QStringList& extra) const
    {
        return QStringList{QStringLiteral("ask"), QStringLiteral("--model"), model, image_, question_} +
               extra;
    }

    // A copy of the case without `skip`.
    QString copyOfCase(QTemporaryDir& tmp, const QString& skip) const
    {
        for (const QString& f : QDir(dir_).entryList(QDir::Files))
            if (f != skip) QFile::copy(dir_ + "/" + f, tmp.path() + "/" + f);
        return tmp.path();
    }

    void expectError(const QStringList& a, int code, const QString& needle)
    {
        const LoupeRun r = runLoupe(a);
        QVERIFY2(r.code == code, qPrintable(QString("exit %1: %2").arg(r.code).arg(r.err)));
        QVERIFY2(r.err.contains(needle), qPrintable(r.err));
        QVERIFY2(r.out.isEmpty(), qPrintable(r.out));
    }

private slots:
    void initTestCase()
    {
        dir_ = loupe::test::goldenDir(QStringLiteral("blip_vqa"));
        image_ = dir_ + "/input.png";
        QFile f(dir_ + "/case.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject c = QJsonDocument::fromJson(f.readAll()).object();
        question_ = c.value(QLatin1String("inputs")).toObject().value(QLatin1String("question")).toString();
        QCOMPARE(question_, QStringLiteral("what is in the picture?"));
        const SafetensorsFile e = SafetensorsFile::open((dir_ + "/expected.safetensors").toStdString());
        answerIds_ = loupe::test::goldenIds(e, "answer_ids");
        QCOMPARE(answerIds_.size(), size_t(9));
    }

    void greedyJsonMatchesTransformers()
    {
        const LoupeRun r = runLoupe(
            args(dir_, {QStringLiteral("--max-new-tokens"), QStringLiteral("8"), QStringLiteral("--json")}));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o.value(QLatin1String("image")).toString(), image_);
        QCOMPARE(o.value(QLatin1String("text")).toString(), QStringLiteral("werehegg wereggas"));
        QCOMPARE(idsOf(o.value(QLatin1String("token_ids")).toArray()), answerIds_);
        QVERIFY(!o.contains(QLatin1String("score")));
    }

    // Without --max-new-tokens the checkpoint's defaults apply (max_length 20: [DEC] + 19 tokens); the
    // golden's 8 steps are its beginning.
    void plainTextWithCheckpointDefaults()
    {
        const LoupeRun r = runLoupe(args(dir_, {}));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.startsWith(QStringLiteral("werehegg wereggas")), qPrintable(r.out));
        QCOMPARE(r.out.count(QLatin1Char('\n')), 1);
        const LoupeRun j = runLoupe(args(dir_, {QStringLiteral("--json")}));
        const auto ids = idsOf(QJsonDocument::fromJson(j.out.toUtf8()).object().value("token_ids").toArray());
        QCOMPARE(ids.size(), size_t(20));
        QCOMPARE(std::vector<int64_t>(ids.begin(), ids.begin() + 9), answerIds_);
    }

    void beamsAndSeededSampling()
    {
        const LoupeRun b = runLoupe(
            args(dir_, {QStringLiteral("--beams"), QStringLiteral("3"), QStringLiteral("--max-new-tokens"),
                        QStringLiteral("6"), QStringLiteral("--json")}));
        QVERIFY2(b.code == 0, qPrintable(b.err));
        const QJsonObject o = QJsonDocument::fromJson(b.out.toUtf8()).object();
        QVERIFY(o.value(QLatin1String("score")).isDouble());
        const auto ids = idsOf(o.value(QLatin1String("token_ids")).toArray());
        QVERIFY(ids.size() >= 2 && ids.size() <= 7);
        QCOMPARE(ids.front(), int64_t(420));
        const QStringList sample{QStringLiteral("--sample"), QStringLiteral("--seed"),
                                 QStringLiteral("7"),        QStringLiteral("--top-k"),
                                 QStringLiteral("20"),       QStringLiteral("--json")};
        const LoupeRun s1 = runLoupe(args(dir_, sample)), s2 = runLoupe(args(dir_, sample));
        QVERIFY2(s1.code == 0, qPrintable(s1.err));
        QCOMPARE(s1.out, s2.out);
    }

    // --trace: per answer token, maps over the image's patch grid (the question carried through), its
    // gradient-weighted relevancy (.rel: the reference's values of tools/golden/token_relevancy_reference.py,
    // within the golden gradients tolerance) and trace.json with the token, its probability and
    // alternatives; the answer itself is unchanged.
    void traceWritesMapsPerAnswerToken()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath(QStringLiteral("trace"));
        const LoupeRun r = runLoupe(
            args(dir_, {QStringLiteral("--max-new-tokens"), QStringLiteral("8"), QStringLiteral("--json"),
                        QStringLiteral("--trace"), dir, QStringLiteral("--trace-top"), QStringLiteral("2")}));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(idsOf(QJsonDocument::fromJson(r.out.toUtf8()).object().value("token_ids").toArray()),
                 answerIds_);
        QFile f(dir + "/trace.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject trace = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(trace.value(QLatin1String("distribution")).toString(),
                 QStringLiteral("softmax of the decoder's logits, before decoding processors"));
        const int grid = trace.value(QLatin1String("grid")).toInt();
        QVERIFY(grid > 0);
        const QJsonObject image = trace.value(QLatin1String("images")).toArray().at(0).toObject();
        QCOMPARE(image.value(QLatin1String("question")).toString(), question_);
        const QJsonArray tokens = image.value(QLatin1String("tokens")).toArray();
        QCOMPARE(tokens.size(), qsizetype(answerIds_.size() - 1));
        QFile rf(dir_ + "/token_relevancy.json");
        QVERIFY2(rf.open(QIODevice::ReadOnly), qPrintable(rf.fileName()));
        const QJsonArray refSteps =
            QJsonDocument::fromJson(rf.readAll()).object().value(QLatin1String("steps")).toArray();
        QCOMPARE(refSteps.size(), tokens.size());
        for (qsizetype t = 0; t < tokens.size(); ++t) {
            const QJsonObject tok = tokens[t].toObject();
            QCOMPARE(tok.value(QLatin1String("id")).toInteger(), answerIds_[size_t(t) + 1]);
            QCOMPARE(tok.value(QLatin1String("top")).toArray().size(), 2);
            for (const char* key : {"last_layer", "all_layers"}) {
                const QJsonObject m = tok.value(QLatin1String("cross_attention"))
                                          .toObject()
                                          .value(QLatin1String(key))
                                          .toObject();
                const NpyArray a =
                    readNpyF32((dir + "/" + m.value(QLatin1String("npy")).toString()).toStdString());
                QCOMPARE(a.shape, (std::vector<int64_t>{grid, grid}));
                QVERIFY(QFile::exists(dir + "/" + m.value(QLatin1String("png")).toString()));
            }
            const QJsonObject rel = tok.value(QLatin1String("relevancy")).toObject();
            const QJsonObject ref = refSteps[t].toObject();
            QCOMPARE(ref.value(QLatin1String("token")).toInteger(), answerIds_[size_t(t) + 1]);
            const double logit = ref.value(QLatin1String("logit")).toDouble();
            QVERIFY2(std::fabs(rel.value(QLatin1String("logit")).toDouble() - logit) <=
                         1e-4 + 1e-4 * std::fabs(logit),
                     qPrintable(QString("token %1: logit %2 vs %3")
                                    .arg(t)
                                    .arg(rel.value("logit").toDouble())
                                    .arg(logit)));
            const NpyArray a =
                readNpyF32((dir + "/" + rel.value(QLatin1String("npy")).toString()).toStdString());
            QCOMPARE(a.shape, (std::vector<int64_t>{grid, grid}));
            QVERIFY(QFile::exists(dir + "/" + rel.value(QLatin1String("png")).toString()));
            const QJsonArray want = ref.value(QLatin1String("patches")).toArray();
            QCOMPARE(qsizetype(a.data.size()), want.size());
            for (qsizetype i = 0; i < want.size(); ++i) {
                const double e = want[i].toDouble();
                QVERIFY2(std::fabs(a.data[size_t(i)] - e) <= 1e-4 + 1e-3 * std::fabs(e),
                         qPrintable(QString("token %1 patch %2: %3 vs reference %4")
                                        .arg(t)
                                        .arg(i)
                                        .arg(a.data[size_t(i)])
                                        .arg(e)));
            }
        }
        QVERIFY(trace.value(QLatin1String("relevancy")).toString().contains(QLatin1String("R^{ai}")));
    }

    void refusals()
    {
        const QString caption = loupe::test::goldenDir(QStringLiteral("blip_caption"));
        expectError(args(caption, {}), 1,
                    QStringLiteral("this checkpoint is a BlipForConditionalGeneration"));
        expectError(args(loupe::test::goldenDir(QStringLiteral("clip_match")), {}), 1,
                    QStringLiteral("architecture 'CLIPModel' is not supported"));
        {
            QTemporaryDir tmp;
            expectError(args(copyOfCase(tmp, QStringLiteral("vocab.txt")), {}), 1,
                        QStringLiteral("vocab.txt is missing"));
        }
        {
            QTemporaryDir tmp;
            expectError(args(copyOfCase(tmp, QStringLiteral("preprocessor_config.json")), {}), 1,
                        QStringLiteral("preprocessor_config.json: missing"));
        }
        QStringList words;
        for (int i = 0; i < 70; ++i)
            words << QStringLiteral("what");
        expectError(
            {QStringLiteral("ask"), QStringLiteral("--model"), dir_, image_, words.join(' ')}, 2,
            QStringLiteral("the question has 72 tokens with [CLS] and [SEP]; the model reads at most 64"));
        expectError({QStringLiteral("ask"), QStringLiteral("--model"), dir_, image_, QString()}, 2,
                    QStringLiteral("the question is empty"));
        expectError({QStringLiteral("ask"), QStringLiteral("--model"), dir_, dir_ + "/nope.png", question_},
                    1, QStringLiteral("nope.png"));
        expectError({QStringLiteral("ask"), QStringLiteral("--model"), dir_, image_}, 2,
                    QStringLiteral("usage: loupe ask"));
    }

    // --trace-top and the trace folder are refused before the image is read, in the words `caption` uses.
    void traceOptionsAreChecked()
    {
        QTemporaryDir tmp;
        expectError(args(dir_, {QStringLiteral("--trace"), tmp.filePath(QStringLiteral("t")),
                                QStringLiteral("--trace-top"), QStringLiteral("0")}),
                    2, QStringLiteral("loupe ask: --trace-top needs an integer of at least 1"));
        QFile blocker(tmp.filePath(QStringLiteral("file")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        expectError(args(dir_, {QStringLiteral("--trace"), tmp.filePath(QStringLiteral("file/t"))}), 1,
                    QStringLiteral("loupe ask: %1: cannot create the trace folder")
                        .arg(tmp.filePath(QStringLiteral("file/t"))));
    }
};

QTEST_GUILESS_MAIN(TestCliAsk)
#include "tst_cli_ask.moc"
