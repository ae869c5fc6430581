// SPDX-License-Identifier: MIT
// `loupe caption` end to end on the golden vit_gpt2_caption case: the checkpoint's own image processor,
// tokenizer and generation settings with the engine must give transformers' greedy and beam-search ids;
// -o writes one caption per image; --trace writes each token's cross-attention maps matching
// transformers' cross-attentions; bad input gets a clear error and a non-zero exit.
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
using loupe::test::LoupeRun;
using loupe::test::runLoupe;

namespace {

std::vector<int64_t> ids(const SafetensorsFile& f, const std::string& name)
{
    const TensorView& v = f.tensor(name);
    const auto* p = static_cast<const int64_t*>(v.data);
    return std::vector<int64_t>(p, p + shapeNumel(v.shape));
}

std::vector<int64_t> idsOf(const QJsonArray& a)
{
    std::vector<int64_t> out;
    for (const QJsonValue v : a)
        out.push_back(v.toInteger());
    return out;
}

} // namespace

class TestCliCaption : public QObject
{
    Q_OBJECT
    QString dir_, image_;
    std::unique_ptr<SafetensorsFile> expected_;

    QStringList args(const QStringList& extra) const
    {
        return QStringList{QStringLiteral("caption"), QStringLiteral("--model"), dir_,
                           QStringLiteral("--max-new-tokens"), QStringLiteral("12")} +
               extra;
    }

    // A copy of the case without `skip` (and config.json edited by `edit`).
    QString copyOfCase(QTemporaryDir& tmp, const QString& skip)
    {
        for (const QString& f : QDir(dir_).entryList(QDir::Files))
            if (f != skip) QFile::copy(dir_ + "/" + f, tmp.path() + "/" + f);
        return tmp.path();
    }

private slots:
    void initTestCase()
    {
        dir_ = loupe::test::goldenDir(QStringLiteral("vit_gpt2_caption"));
        image_ = dir_ + "/input.png";
        expected_ = std::make_unique<SafetensorsFile>(
            SafetensorsFile::open((dir_ + "/expected.safetensors").toStdString()));
    }

    void greedyJsonMatchesTransformers()
    {
        const LoupeRun r = runLoupe(args({QStringLiteral("--json"), image_}));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o.value(QLatin1String("image")).toString(), image_);
        QCOMPARE(idsOf(o.value(QLatin1String("token_ids")).toArray()), ids(*expected_, "greedy_ids"));
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
        QCOMPARE(idsOf(o.value(QLatin1String("token_ids")).toArray()), ids(*expected_, "beam_ids"));
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
        QFile f(tmp.filePath(QStringLiteral("trace.json")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject t = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(t.value(QLatin1String("grid")).toInt(), 4);
        const QJsonArray images = t.value(QLatin1String("images")).toArray();
        QCOMPARE(images.size(), 1);
        const QJsonArray tokens = images[0].toObject().value(QLatin1String("tokens")).toArray();
        const std::vector<int64_t> want = ids(*expected_, "greedy_ids");
        QCOMPARE(size_t(tokens.size()), want.size() - 1);
        for (qsizetype s = 0; s < tokens.size(); ++s) {
            const QJsonObject tok = tokens[s].toObject();
            QCOMPARE(tok.value(QLatin1String("id")).toInteger(), want[size_t(s) + 1]);
            const QJsonArray top = tok.value(QLatin1String("top")).toArray();
            QCOMPARE(top.size(), 3);
            QCOMPARE(top[0].toObject().value(QLatin1String("id")).toInteger(), want[size_t(s) + 1]);
            QCOMPARE(top[0].toObject().value(QLatin1String("prob")).toDouble(),
                     tok.value(QLatin1String("prob")).toDouble());
            const QJsonObject maps = tok.value(QLatin1String("cross_attention")).toObject();
            for (const char* which : {"last_layer", "all_layers"}) {
                const QJsonObject m = maps.value(QLatin1String(which)).toObject();
                QVERIFY(!QImage(tmp.filePath(m.value(QLatin1String("png")).toString())).isNull());
                const NpyArray npy =
                    readNpyF32(tmp.filePath(m.value(QLatin1String("npy")).toString()).toStdString());
                QCOMPARE(npy.shape, (std::vector<int64_t>{4, 4}));
                // transformers' cross_attentions.s.l, [1, 4 heads, 1, 17 tokens]
                std::vector<float> ref(16, 0.0f);
                const int firstLayer = std::string(which) == "last_layer" ? 1 : 0;
                for (int l = firstLayer; l < 2; ++l) {
                    const TensorView& v =
                        expected_->tensor("cross_attentions." + std::to_string(s) + "." + std::to_string(l));
                    const auto* a = static_cast<const float*>(v.data);
                    for (int h = 0; h < 4; ++h)
                        for (int k = 1; k < 17; ++k)
                            ref[size_t(k - 1)] += a[h * 17 + k] / float(4 * (2 - firstLayer));
                }
                for (size_t k = 0; k < 16; ++k)
                    QVERIFY2(std::fabs(npy.data[k] - ref[k]) < 1e-5f,
                             qPrintable(QString("step %1 %2 patch %3: %4 vs %5")
                                            .arg(s)
                                            .arg(which)
                                            .arg(k)
                                            .arg(npy.data[k])
                                            .arg(ref[k])));
            }
        }
    }

    void clearErrors()
    {
        QTemporaryDir noVocab, noProc;
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
