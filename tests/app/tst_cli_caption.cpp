// SPDX-License-Identifier: MIT
// `loupe caption` end to end on the golden vit_gpt2_caption and blip_caption cases: the checkpoint's own
// image processor, tokenizer and generation settings with the engine must give transformers' greedy and
// beam-search ids, for BLIP unconditional and prompted; -o writes one caption per image; --trace writes
// each token's cross-attention maps matching transformers' cross-attentions and its relevancy map matching
// tools/golden/token_relevancy_reference.py; bad input gets a clear error
// and a non-zero exit.
#include "common/golden.h"
#include "common/runloupe.h"
#include "common/testsupport.h"
#include "compute/attribution/npy.h"
#include "compute/io/safetensors.h"
#include "compute/tensor.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using namespace loupe::compute;
using loupe::test::goldenIds;
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

QJsonObject caseInputs(const QString& dir)
{
    QFile f(dir + "/case.json");
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object().value(QLatin1String("inputs")).toObject();
}

// A copy of the golden case `dir` without the file `skip`.
QString copyWithout(const QString& dir, QTemporaryDir& tmp, const QString& skip)
{
    for (const QString& f : QDir(dir).entryList(QDir::Files))
        if (f != skip) QFile::copy(dir + "/" + f, tmp.path() + "/" + f);
    return tmp.path();
}

// Every token's .rel map of a trace folder against the golden case's token_relevancy.json (the tolerance
// of compute_token_relevancy: the golden gradients' atol 1e-4, rtol 1e-3).
void checkRelevancy(const QString& traceDir, const QJsonArray& tokens, const QString& caseDir, int grid)
{
    QFile rf(caseDir + "/token_relevancy.json");
    QVERIFY(rf.open(QIODevice::ReadOnly));
    const QJsonArray steps =
        QJsonDocument::fromJson(rf.readAll()).object().value(QLatin1String("steps")).toArray();
    QCOMPARE(steps.size(), tokens.size());
    for (qsizetype s = 0; s < tokens.size(); ++s) {
        const QJsonObject rel = tokens[s].toObject().value(QLatin1String("relevancy")).toObject();
        QVERIFY2(!rel.isEmpty(), qPrintable(QString("token %1 has no relevancy entry").arg(s)));
        QVERIFY(!QImage(traceDir + "/" + rel.value(QLatin1String("png")).toString()).isNull());
        const NpyArray npy =
            readNpyF32((traceDir + "/" + rel.value(QLatin1String("npy")).toString()).toStdString());
        QCOMPARE(npy.shape, (std::vector<int64_t>{grid, grid}));
        const QJsonArray want = steps[s].toObject().value(QLatin1String("patches")).toArray();
        QCOMPARE(qsizetype(npy.data.size()), want.size());
        for (qsizetype k = 0; k < want.size(); ++k) {
            const double e = want[k].toDouble();
            QVERIFY2(std::fabs(npy.data[size_t(k)] - e) <= 1e-4 + 1e-3 * std::fabs(e),
                     qPrintable(QString("token %1 relevancy patch %2: %3 vs %4")
                                    .arg(s)
                                    .arg(k)
                                    .arg(npy.data[size_t(k)])
                                    .arg(e)));
        }
    }
}

// Checks the trace folder of one image against transformers' greedy ids (`want`, start token first) and
// its cross_attentions.s.l [1, H, 1, g*g + 1]: every token's last-layer and all-layer maps are the head
// averages of that step's cross-attention, CLS dropped; the top alternative is the chosen token; the
// relevancy maps are the reference's.
void checkTrace(const QString& traceDir, const SafetensorsFile& expected, const std::vector<int64_t>& want,
                int grid, int layers, int topK, const QString& caseDir)
{
    QFile f(traceDir + "/trace.json");
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject t = QJsonDocument::fromJson(f.readAll()).object();
    QCOMPARE(t.value(QLatin1String("grid")).toInt(), grid);
    const QJsonArray images = t.value(QLatin1String("images")).toArray();
    QCOMPARE(images.size(), 1);
    QCOMPARE(idsOf(images[0].toObject().value(QLatin1String("token_ids")).toArray()), want);
    const QJsonArray tokens = images[0].toObject().value(QLatin1String("tokens")).toArray();
    QCOMPARE(size_t(tokens.size()), want.size() - 1);
    const int patches = grid * grid, N = patches + 1;
    for (qsizetype s = 0; s < tokens.size(); ++s) {
        const QJsonObject tok = tokens[s].toObject();
        QCOMPARE(tok.value(QLatin1String("id")).toInteger(), want[size_t(s) + 1]);
        const QJsonArray top = tok.value(QLatin1String("top")).toArray();
        QCOMPARE(top.size(), topK);
        QCOMPARE(top[0].toObject().value(QLatin1String("id")).toInteger(), want[size_t(s) + 1]);
        QCOMPARE(top[0].toObject().value(QLatin1String("prob")).toDouble(),
                 tok.value(QLatin1String("prob")).toDouble());
        const QJsonObject maps = tok.value(QLatin1String("cross_attention")).toObject();
        for (const char* which : {"last_layer", "all_layers"}) {
            const QJsonObject m = maps.value(QLatin1String(which)).toObject();
            QVERIFY(!QImage(traceDir + "/" + m.value(QLatin1String("png")).toString()).isNull());
            const NpyArray npy =
                readNpyF32((traceDir + "/" + m.value(QLatin1String("npy")).toString()).toStdString());
            QCOMPARE(npy.shape, (std::vector<int64_t>{grid, grid}));
            std::vector<float> ref(size_t(patches), 0.0f);
            const int firstLayer = std::string(which) == "last_layer" ? layers - 1 : 0;
            for (int l = firstLayer; l < layers; ++l) {
                const TensorView& v =
                    expected.tensor("cross_attentions." + std::to_string(s) + "." + std::to_string(l));
                QCOMPARE(v.shape.back(), int64_t(N));
                const int heads = int(v.shape[1]);
                const auto* a = static_cast<const float*>(v.data);
                for (int h = 0; h < heads; ++h)
                    for (int k = 1; k < N; ++k)
                        ref[size_t(k - 1)] += a[h * N + k] / float(heads * (layers - firstLayer));
            }
            for (size_t k = 0; k < size_t(patches); ++k)
                QVERIFY2(std::fabs(npy.data[k] - ref[k]) < 1e-5f,
                         qPrintable(QString("step %1 %2 patch %3: %4 vs %5")
                                        .arg(s)
                                        .arg(which)
                                        .arg(k)
                                        .arg(npy.data[k])
                                        .arg(ref[k])));
        }
    }
    checkRelevancy(traceDir, tokens, caseDir, grid);
}

} // namespace

class TestCliCaption : public QObject
{
    Q_OBJECT
    QString dir_, image_, blipDir_, blipImage_;
    std::unique_ptr<SafetensorsFile> expected_, blipExpected_;

    QStringList args(const QStringList& extra) const
    {
        return QStringList{QStringLiteral("caption"), QStringLiteral("--model"), dir_,
                           QStringLiteral("--max-new-tokens"), QStringLiteral("12")} +
               extra;
    }

    QStringList blipArgs(const QStringList& extra) const
    {
        return QStringList{QStringLiteral("caption"), QStringLiteral("--model"), blipDir_,
                           QStringLiteral("--max-new-tokens"), QStringLiteral("12")} +
               extra;
    }

    QString copyOfCase(QTemporaryDir& tmp, const QString& skip) const { return copyWithout(dir_, tmp, skip); }

private slots:
    void initTestCase()
    {
        dir_ = loupe::test::goldenDir(QStringLiteral("vit_gpt2_caption"));
        image_ = dir_ + "/input.png";
        expected_ = std::make_unique<SafetensorsFile>(
            SafetensorsFile::open((dir_ + "/expected.safetensors").toStdString()));
        blipDir_ = loupe::test::goldenDir(QStringLiteral("blip_caption"));
        blipImage_ = blipDir_ + "/input.png";
        blipExpected_ = std::make_unique<SafetensorsFile>(
            SafetensorsFile::open((blipDir_ + "/expected.safetensors").toStdString()));
    }

    void greedyJsonMatchesTransformers()
    {
        const LoupeRun r = runLoupe(args({QStringLiteral("--json"), image_}));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o.value(QLatin1String("image")).toString(), image_);
        QCOMPARE(idsOf(o.value(QLatin1String("token_ids")).toArray()), goldenIds(*expected_, "greedy_ids"));
        // case.json's greedy_text with the start token (a special token) skipped.
        QCOMPARE(o.value(QLatin1String("text")).toString(), QStringLiteral("~~~ on on on on on on on on on"));
        QVERIFY(!o.contains(QLatin1String("score")));
    }

    void beamsMatchTransformers()
    {
        const LoupeRun r = runLoupe(
            args({QStringLiteral("--json"), QStringLiteral("--beams"), QStringLiteral("3"), image_}));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(idsOf(o.value(QLatin1String("token_ids")).toArray()), goldenIds(*expected_, "beam_ids"));
        const float want = *static_cast<const float*>(expected_->tensor("beam_scores").data);
        QVERIFY2(std::fabs(o.value(QLatin1String("score")).toDouble() - want) <=
                     1e-4 + 1e-4 * std::fabs(want),
                 qPrintable(r.out));
    }

    // Several images: one line each on stdout and in -o, in order, the same caption for the same image.
    void outputFileOneLinePerImage()
    {
        QTemporaryDir tmp;
        const QString copy = tmp.filePath(QStringLiteral("copy.png"));
        QVERIFY(QFile::copy(image_, copy));
        const QString outFile = tmp.filePath(QStringLiteral("captions.txt"));
        const LoupeRun r = runLoupe(args({QStringLiteral("-o"), outFile, image_, copy}));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QFile f(outFile);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(f.readAll());
        QCOMPARE(text, QStringLiteral("~~~ on on on on on on on on on\n~~~ on on on on on on on on on\n"));
        QVERIFY2(r.out.contains(image_ + QStringLiteral(": ~~~ on on")) &&
                     r.out.contains(copy + QStringLiteral(": ~~~")),
                 qPrintable(r.out));

        const LoupeRun j =
            runLoupe(args({QStringLiteral("--json"), QStringLiteral("-o"), outFile, image_, copy}));
        QVERIFY2(j.code == 0, qPrintable(j.err));
        QFile g(outFile);
        QVERIFY(g.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = g.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        QCOMPARE(QJsonDocument::fromJson(lines[1]).object().value(QLatin1String("image")).toString(), copy);
    }

    // The prompt follows the start token; the caption continues it.
    void promptStartsTheCaption()
    {
        const LoupeRun r = runLoupe(
            args({QStringLiteral("--json"), QStringLiteral("--prompt"), QStringLiteral("on"), image_}));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const std::vector<int64_t> got = idsOf(o.value(QLatin1String("token_ids")).toArray());
        QVERIFY(got.size() >= 3);
        QCOMPARE(got.front(), int64_t(556));
        QVERIFY2(o.value(QLatin1String("text")).toString().startsWith(QLatin1String("on")),
                 qPrintable(r.out));
    }

    // Each token's last-layer map is the head average of transformers' cross-attention of that step, CLS
    // dropped.
    void traceMapsMatchTransformers()
    {
        QTemporaryDir tmp;
        const LoupeRun r = runLoupe(args({QStringLiteral("--trace"), tmp.path(),
                                          QStringLiteral("--trace-top"), QStringLiteral("3"), image_}));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        checkTrace(tmp.path(), *expected_, goldenIds(*expected_, "greedy_ids"), 4, 2, 3, dir_);
        QFile f(tmp.filePath(QStringLiteral("trace.json")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(
            QJsonDocument::fromJson(f.readAll()).object().value(QLatin1String("distribution")).toString(),
            QStringLiteral("softmax of the decoder's logits, before decoding processors"));
    }

    // BLIP, unconditional: from [DEC], greedy, stopping at [SEP]; the ids as BLIP's generate returns them.
    // -o writes the same caption.
    void blipGreedyMatchesTransformers()
    {
        QTemporaryDir tmp;
        const QString outFile = tmp.filePath(QStringLiteral("captions.txt"));
        const LoupeRun r =
            runLoupe(blipArgs({QStringLiteral("--json"), QStringLiteral("-o"), outFile, blipImage_}));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(idsOf(o.value(QLatin1String("token_ids")).toArray()),
                 goldenIds(*blipExpected_, "uncond_ids"));
        // case.json's uncond_text_skip_special
        QCOMPARE(o.value(QLatin1String("text")).toString(),
                 QStringLiteral("##eople overal watereople over overkeople niend und"));
        QFile f(outFile);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(f.readAll()).object(), o);

        const LoupeRun plain = runLoupe(blipArgs({blipImage_}));
        QVERIFY2(plain.code == 0, qPrintable(plain.err));
        QCOMPARE(plain.out, QStringLiteral("##eople overal watereople over overkeople niend und\n"));
    }

    // BLIP with case.json's cond_text: tokenised [CLS] ... [SEP] as the processor does, [CLS] becoming [DEC]
    // and [SEP] dropped, then greedy.
    void blipPromptMatchesTransformers()
    {
        const QString prompt = caseInputs(blipDir_).value(QLatin1String("cond_text")).toString();
        QCOMPARE(prompt, QStringLiteral("a picture of"));
        const LoupeRun r =
            runLoupe(blipArgs({QStringLiteral("--json"), QStringLiteral("--prompt"), prompt, blipImage_}));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(idsOf(o.value(QLatin1String("token_ids")).toArray()), goldenIds(*blipExpected_, "cond_ids"));
        QCOMPARE(o.value(QLatin1String("text")).toString(),
                 QStringLiteral("a picture ofabarskield undield niend und n overnd"));
    }

    // BLIP's trace: the unconditional run's cross-attention of every step and layer, heads averaged.
    void blipTraceMapsMatchTransformers()
    {
        QTemporaryDir tmp;
        const LoupeRun r = runLoupe(blipArgs({QStringLiteral("--trace"), tmp.path(), blipImage_}));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        checkTrace(tmp.path(), *blipExpected_, goldenIds(*blipExpected_, "uncond_ids"), 4, 2, 5, blipDir_);
    }

    // Beam search runs through the same captioner and reports the sequence's score.
    void blipBeamsRun()
    {
        const LoupeRun r = runLoupe(
            blipArgs({QStringLiteral("--json"), QStringLiteral("--beams"), QStringLiteral("2"), blipImage_}));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const std::vector<int64_t> got = idsOf(o.value(QLatin1String("token_ids")).toArray());
        QVERIFY(got.size() >= 2 && got.size() <= 13);
        QCOMPARE(got.front(), goldenIds(*blipExpected_, "uncond_ids").front());
        QVERIFY(o.contains(QLatin1String("score")));
    }

    void clearErrors()
    {
        QTemporaryDir noVocab, noProc, blipNoVocab, blipNoProc;
        struct Case
        {
            QStringList args;
            int code;
            QString message;
        } cases[] = {
            {{QStringLiteral("caption"), QStringLiteral("--model"),
              loupe::test::goldenDir(QStringLiteral("gpt2_generate")), image_},
             1,
             QStringLiteral("architecture 'GPT2LMHeadModel' is not supported for captioning")},
            {{QStringLiteral("caption"), QStringLiteral("--model"),
              copyOfCase(noVocab, QStringLiteral("vocab.json")), image_},
             1,
             QStringLiteral("vocab.json is missing")},
            {{QStringLiteral("caption"), QStringLiteral("--model"),
              copyOfCase(noProc, QStringLiteral("preprocessor_config.json")), image_},
             1,
             QStringLiteral("preprocessor_config.json: missing")},
            {args({QStringLiteral("--prompt"), QString(QStringLiteral("on ")).repeated(70), image_}), 2,
             QStringLiteral("prompt: the prompt has 71 tokens; with the start token that leaves no room")},
            {args({dir_ + QStringLiteral("/nothing.png")}), 1, QStringLiteral("nothing.png")},
            {args({QStringLiteral("--beams"), QStringLiteral("0"), image_}), 2,
             QStringLiteral("--beams needs an integer")},
            {{QStringLiteral("caption"), QStringLiteral("--model"), dir_},
             2,
             QStringLiteral("usage: loupe caption")},
            {{QStringLiteral("caption"), QStringLiteral("--model"),
              loupe::test::goldenDir(QStringLiteral("blip_vqa")), image_},
             1,
             QStringLiteral("architecture 'BlipForQuestionAnswering' is not supported for captioning "
                            "(supported: VisionEncoderDecoderModel with a ViT encoder and a GPT-2 decoder, "
                            "BlipForConditionalGeneration); this checkpoint answers questions: loupe ask")},
            {{QStringLiteral("caption"), QStringLiteral("--model"),
              copyWithout(blipDir_, blipNoVocab, QStringLiteral("vocab.txt")), blipImage_},
             1,
             QStringLiteral("vocab.txt")},
            {{QStringLiteral("caption"), QStringLiteral("--model"),
              copyWithout(blipDir_, blipNoProc, QStringLiteral("preprocessor_config.json")), blipImage_},
             1,
             QStringLiteral("preprocessor_config.json: missing")},
            {blipArgs({QStringLiteral("--prompt"), QString(QStringLiteral("a ")).repeated(70), blipImage_}),
             2, QStringLiteral("--prompt: the prompt has 70 tokens; with [DEC] that leaves no room")},
            {blipArgs({blipDir_ + QStringLiteral("/nothing.png")}), 1, QStringLiteral("nothing.png")},
            {args({QStringLiteral("--trace"), noProc.filePath(QStringLiteral("t")),
                   QStringLiteral("--trace-top"), QStringLiteral("x"), image_}),
             2, QStringLiteral("loupe caption: --trace-top needs an integer of at least 1")},
            {args({QStringLiteral("--trace"), noProc.filePath(QStringLiteral("config.json/t")), image_}), 1,
             QStringLiteral("loupe caption: %1: cannot create the trace folder")
                 .arg(noProc.filePath(QStringLiteral("config.json/t")))},
        };
        for (const Case& c : cases) {
            const LoupeRun r = runLoupe(c.args);
            QVERIFY2(r.code == c.code, qPrintable(QString::number(r.code) + ": " + r.err));
            QVERIFY2(r.err.contains(c.message), qPrintable(r.err));
        }
    }
};

QTEST_MAIN(TestCliCaption)
#include "tst_cli_caption.moc"
