// SPDX-License-Identifier: MIT
// `loupe match` end to end on the golden clip_match case: the checkpoint's own tokenizer, CLIP's image
// processor and the engine together must give transformers' logits_per_image and probabilities; the
// --heatmap maps must be Chefer's rule on transformers' vision attentions and their gradients; bad input
// gets a clear error and a non-zero exit.
#include "common/runloupe.h"
#include "common/testsupport.h"
#include "compute/attribution/attention_maps.h"
#include "compute/attribution/npy.h"
#include "compute/io/safetensors.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cmath>

using namespace loupe::compute;
using loupe::test::LoupeRun;
using loupe::test::runLoupe;

class TestCliMatch : public QObject
{
    Q_OBJECT
    QString dir_;
    QStringList texts_;

    QStringList matchArgs(const QStringList& extra = {}) const
    {
        return QStringList{QStringLiteral("match"), QStringLiteral("--model"), dir_, dir_ + "/input.png"} +
               texts_ + extra;
    }

private slots:
    void initTestCase()
    {
        dir_ = loupe::test::goldenDir(QStringLiteral("clip_match"));
        QFile f(dir_ + "/case.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject c = QJsonDocument::fromJson(f.readAll()).object();
        for (const QJsonValue v :
             c.value(QLatin1String("inputs")).toObject().value(QLatin1String("texts")).toArray())
            texts_ << v.toString();
        QCOMPARE(texts_.size(), 3);
    }

    void jsonMatchesTransformers()
    {
        const LoupeRun r = runLoupe(matchArgs({QStringLiteral("--json")}));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o.value(QLatin1String("image")).toString(), dir_ + "/input.png");
        QCOMPARE(o.value(QLatin1String("texts")).toArray().size(), 3);
        QCOMPARE(o.value(QLatin1String("texts")).toArray().at(2).toString(), texts_[2]);
        const SafetensorsFile expected =
            SafetensorsFile::open((dir_ + "/expected.safetensors").toStdString());
        const std::vector<float> want = toF32(expected.tensor("logits_per_image"));
        const QJsonArray logits = o.value(QLatin1String("logits")).toArray();
        const QJsonArray probs = o.value(QLatin1String("probs")).toArray();
        QCOMPARE(logits.size(), 3);
        const double wantProbs[] = {0.485539, 0.121651, 0.39281};
        for (int t = 0; t < 3; ++t) {
            QVERIFY2(std::fabs(logits[t].toDouble() - want[size_t(t)]) <=
                         1e-4 + 1e-4 * std::fabs(want[size_t(t)]),
                     qPrintable(QString::number(logits[t].toDouble())));
            QVERIFY2(std::fabs(probs[t].toDouble() - wantProbs[t]) < 2e-6,
                     qPrintable(QString::number(probs[t].toDouble())));
        }
    }

    void textOutput()
    {
        const LoupeRun r = runLoupe(matchArgs());
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("0.48554  (logit")), qPrintable(r.out));
        QVERIFY(r.out.contains(texts_[1]));
    }

    // The map of text 0 is Chefer's rule on the golden vision attentions and d logits_per_image[0, 0] / d
    // attentions; each text has its own map and overlay.
    void heatmaps()
    {
        QTemporaryDir tmp;
        const QString out = tmp.filePath(QStringLiteral("maps"));
        const LoupeRun r = runLoupe(matchArgs({QStringLiteral("--json"), QStringLiteral("--heatmap"), out}));
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonArray maps =
            QJsonDocument::fromJson(r.out.toUtf8()).object().value(QLatin1String("heatmaps")).toArray();
        QCOMPARE(maps.size(), 3);
        for (int t = 0; t < 3; ++t) {
            const QString png = maps[t].toObject().value(QLatin1String("png")).toString();
            QCOMPARE(png, QDir(out).filePath(QStringLiteral("input.text%1.png").arg(t)));
            const QImage overlay(png);
            QVERIFY(!overlay.isNull());
            QCOMPARE(overlay.size(), QSize(320, 320)); // a square image: the crop is all of it
        }
        const SafetensorsFile e = SafetensorsFile::open((dir_ + "/expected.safetensors").toStdString());
        std::vector<std::vector<float>> a, g;
        for (int l = 0; l < 2; ++l) {
            a.push_back(toF32(e.tensor("vision_attentions." + std::to_string(l))));
            g.push_back(toF32(e.tensor("vision_attn_grads." + std::to_string(l))));
        }
        attribution::AttentionSet as{2, 4, 17, {a[0].data(), a[1].data()}};
        attribution::AttentionSet gs{2, 4, 17, {g[0].data(), g[1].data()}};
        const std::vector<float> want = attribution::cheferRow(as, gs, 0);
        const NpyArray m0 =
            readNpyF32(maps[0].toObject().value(QLatin1String("npy")).toString().toStdString());
        QCOMPARE(m0.shape, (std::vector<int64_t>{4, 4}));
        for (size_t i = 0; i < 16; ++i)
            QVERIFY2(std::fabs(m0.data[i] - want[i + 1]) <= 1e-4 + 1e-3 * std::fabs(want[i + 1]),
                     qPrintable(QString("%1: %2 vs %3").arg(i).arg(m0.data[i]).arg(want[i + 1])));
        const NpyArray m1 =
            readNpyF32(maps[1].toObject().value(QLatin1String("npy")).toString().toStdString());
        QVERIFY(m1.data != m0.data);
    }

    // CLIP sees the center crop of a wide image: the overlay covers that square, not the whole image.
    // The image is black on its outer quarters and white in the middle half, so an overlay (a 50 % blend
    // with the colormap) built from the right region has every channel >= 127, and one that included a
    // black column would not.
    void heatmapOfWideImageCoversTheCrop()
    {
        QTemporaryDir tmp;
        const QString wide = tmp.filePath(QStringLiteral("wide.png"));
        QImage src(640, 320, QImage::Format_RGB888);
        src.fill(Qt::black);
        for (int y = 0; y < 320; ++y)
            for (int x = 160; x < 480; ++x)
                src.setPixelColor(x, y, Qt::white);
        QVERIFY(src.save(wide));
        const LoupeRun r = runLoupe({QStringLiteral("match"), QStringLiteral("--model"), dir_, wide,
                                     texts_[0], QStringLiteral("--heatmap"), tmp.path()});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        // Short side 320 -> 64, long side 128; the 64-wide crop starts at 32, i.e. x = 160 in the image.
        const QImage overlay =
            QImage(tmp.filePath(QStringLiteral("wide.text0.png"))).convertToFormat(QImage::Format_RGB888);
        QCOMPARE(overlay.size(), QSize(320, 320));
        int darkest = 255;
        for (int y = 0; y < overlay.height(); ++y)
            for (int x = 0; x < overlay.width(); ++x) {
                const QColor c = overlay.pixelColor(x, y);
                darkest = std::min({darkest, c.red(), c.green(), c.blue()});
            }
        QVERIFY2(darkest >= 127, qPrintable(QString::number(darkest)));
        QCOMPARE(readNpyF32(tmp.filePath(QStringLiteral("wide.text0.npy")).toStdString()).shape,
                 (std::vector<int64_t>{4, 4}));
    }

    void helpNamesTheCommand()
    {
        const LoupeRun r = runLoupe({QStringLiteral("match"), QStringLiteral("--help")});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(QStringLiteral("loupe match")), qPrintable(r.out));
        QVERIFY(r.out.contains(QStringLiteral("--heatmap")));
    }

    void refusals()
    {
        // Texts are required.
        LoupeRun r =
            runLoupe({QStringLiteral("match"), QStringLiteral("--model"), dir_, dir_ + "/input.png"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(QStringLiteral("at least one text")), qPrintable(r.err));
        // A ViT classifier is not a CLIP model.
        const QString vit = loupe::test::goldenDir(QStringLiteral("vit_classify"));
        r = runLoupe({QStringLiteral("match"), QStringLiteral("--model"), vit, dir_ + "/input.png",
                      QStringLiteral("a cat")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("is not supported by the CLIP engine")), qPrintable(r.err));
        // A folder without the tokenizer files.
        QTemporaryDir tmp;
        for (const char* f : {"config.json", "model.safetensors", "preprocessor_config.json"})
            QVERIFY(QFile::copy(dir_ + "/" + f, tmp.filePath(QLatin1String(f))));
        r = runLoupe({QStringLiteral("match"), QStringLiteral("--model"), tmp.path(), dir_ + "/input.png",
                      QStringLiteral("a cat")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.startsWith(QStringLiteral("loupe match: ")) && r.err.contains(tmp.path()),
                 qPrintable(r.err));
        // Without preprocessor_config.json.
        QVERIFY(QFile::remove(tmp.filePath(QStringLiteral("preprocessor_config.json"))));
        r = runLoupe({QStringLiteral("match"), QStringLiteral("--model"), tmp.path(), dir_ + "/input.png",
                      QStringLiteral("a cat")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("preprocessor_config.json: missing")), qPrintable(r.err));
        // A missing image names the image.
        r = runLoupe({QStringLiteral("match"), QStringLiteral("--model"), dir_,
                      tmp.filePath(QStringLiteral("none.png")), QStringLiteral("a cat")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(QStringLiteral("none.png")), qPrintable(r.err));
    }

    // A text past max_position_embeddings (32 here) is truncated with a warning, as the library's
    // processor does with truncation=True, and still matched.
    void longTextTruncated()
    {
        QString longText;
        for (int i = 0; i < 40; ++i)
            longText += QStringLiteral("a cat ");
        const LoupeRun r = runLoupe({QStringLiteral("match"), QStringLiteral("--model"), dir_,
                                     dir_ + "/input.png", longText, texts_[0], QStringLiteral("--json")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("truncated to the model's 32")), qPrintable(r.err));
        QCOMPARE(
            QJsonDocument::fromJson(r.out.toUtf8()).object().value(QLatin1String("probs")).toArray().size(),
            2);
    }
};

QTEST_GUILESS_MAIN(TestCliMatch)
#include "tst_cli_match.moc"
