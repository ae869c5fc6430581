// SPDX-License-Identifier: MIT
// core::Matcher on the golden clip_match case: transformers' logits and probabilities, image and text
// encodings reused across calls, per-text heat maps that are Chefer's rule on transformers' attentions
// and gradients whatever texts are explained together, and clear errors.
#include "common/testsupport.h"
#include "compute/attribution/attention_maps.h"
#include "compute/error.h"
#include "compute/io/safetensors.h"
#include "compute/io/tensor_view.h"
#include "core/inference/matcher.h"

#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <stdexcept>

using namespace loupe;

class TestMatcher : public QObject
{
    Q_OBJECT
    QString dir_, image_;
    QStringList texts_;

private slots:
    void initTestCase()
    {
        dir_ = test::goldenDir(QStringLiteral("clip_match"));
        image_ = dir_ + "/input.png";
        QFile f(dir_ + "/case.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        for (const QJsonValue v : QJsonDocument::fromJson(f.readAll())
                                      .object()
                                      .value(QLatin1String("inputs"))
                                      .toObject()
                                      .value(QLatin1String("texts"))
                                      .toArray())
            texts_ << v.toString();
        QCOMPARE(texts_.size(), 3);
    }

    void scoresAsTransformers()
    {
        auto m = core::Matcher::open(dir_);
        const core::MatchScores s = m->match(image_, texts_);
        const auto e = compute::SafetensorsFile::open((dir_ + "/expected.safetensors").toStdString());
        const std::vector<float> want = compute::toF32(e.tensor("logits_per_image"));
        const double wantProbs[] = {0.485539, 0.121651, 0.39281};
        QCOMPARE(s.logits.size(), size_t(3));
        for (size_t t = 0; t < 3; ++t) {
            QVERIFY(std::fabs(s.logits[t] - want[t]) <= 1e-4 + 1e-4 * std::fabs(want[t]));
            QVERIFY(std::fabs(s.probs[t] - wantProbs[t]) < 2e-6);
            QCOMPARE(s.truncatedFrom[t], int64_t(0));
        }
    }

    // Changing the texts re-encodes no image; another image re-encodes no text.
    void encodingsAreReused()
    {
        auto m = core::Matcher::open(dir_);
        const core::MatchScores all = m->match(image_, texts_);
        const core::MatchScores two = m->match(image_, texts_.mid(0, 2));
        QCOMPARE(m->imageEncodings(), 1);
        QCOMPARE(m->textEncodings(), 2);
        // Softmax over two texts: same logits, renormalised probabilities.
        QVERIFY(std::fabs(two.logits[1] - all.logits[1]) < 1e-5);
        QVERIFY(std::fabs(two.probs[0] + two.probs[1] - 1.f) < 1e-5);
        QTemporaryDir tmp;
        const QString other = tmp.filePath(QStringLiteral("other.png"));
        QImage img(image_);
        img.invertPixels();
        QVERIFY(img.save(other));
        m->match(other, texts_.mid(0, 2));
        QCOMPARE(m->imageEncodings(), 2);
        QCOMPARE(m->textEncodings(), 2);
    }

    void heatmapIsCheferOnTheReferenceAttentions()
    {
        auto m = core::Matcher::open(dir_);
        const auto e = compute::SafetensorsFile::open((dir_ + "/expected.safetensors").toStdString());
        std::vector<std::vector<float>> a, g;
        for (int l = 0; l < 2; ++l) {
            a.push_back(compute::toF32(e.tensor("vision_attentions." + std::to_string(l))));
            g.push_back(compute::toF32(e.tensor("vision_attn_grads." + std::to_string(l))));
        }
        compute::attribution::AttentionSet as{2, 4, 17, {a[0].data(), a[1].data()}};
        compute::attribution::AttentionSet gs{2, 4, 17, {g[0].data(), g[1].data()}};
        const std::vector<float> want = compute::attribution::cheferRow(as, gs, 0);
        QCOMPARE(m->grid(), 4);
        // Text 0 asked alone, then with the others: the same map either way.
        const std::vector<float> alone = m->heatmaps(image_, texts_, {0}).front();
        QCOMPARE(alone.size(), size_t(16));
        for (size_t i = 0; i < 16; ++i)
            QVERIFY2(std::fabs(alone[i] - want[i + 1]) <= 1e-4 + 1e-3 * std::fabs(want[i + 1]),
                     qPrintable(QString("%1: %2 vs %3").arg(i).arg(alone[i]).arg(want[i + 1])));
        const auto maps = m->heatmaps(image_, texts_, {2, 0, 1});
        QCOMPARE(maps.size(), size_t(3));
        QCOMPARE(maps[1], alone);
        QVERIFY(maps[0] != maps[1]);
        QCOMPARE(m->imageEncodings(), 1);
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, m->heatmaps(image_, texts_, {3}));
    }

    void modelRegionIsTheCenterCrop()
    {
        auto m = core::Matcher::open(dir_);
        QCOMPARE(m->modelRegion(QImage(320, 320, QImage::Format_RGB32)), QRect(0, 0, 320, 320));
        QCOMPARE(m->modelRegion(QImage(640, 320, QImage::Format_RGB32)), QRect(160, 0, 320, 320));
    }

    void longTextIsTruncatedAndReported()
    {
        auto m = core::Matcher::open(dir_);
        QCOMPARE(m->maxTextLength(), int64_t(32));
        const core::MatchScores s = m->match(image_, {QStringLiteral("a cat ").repeated(40), texts_[0]});
        QCOMPARE(s.truncatedFrom[0], int64_t(82));
        QCOMPARE(s.truncatedFrom[1], int64_t(0));
    }

    void refusals()
    {
        const auto errorOf = [](const QString& dir) {
            try {
                core::Matcher::open(dir);
            } catch (const compute::Error& e) {
                return QString::fromStdString(e.what());
            }
            return QString();
        };
        QVERIFY(errorOf(test::goldenDir(QStringLiteral("vit_classify")))
                    .contains(QLatin1String("is not supported by the CLIP engine")));
        QTemporaryDir tmp;
        for (const char* f : {"config.json", "model.safetensors"})
            QVERIFY(QFile::copy(dir_ + "/" + f, tmp.filePath(QLatin1String(f))));
        QVERIFY(errorOf(tmp.path()).contains(QLatin1String("preprocessor_config.json: missing")));
        QVERIFY(QFile::copy(dir_ + "/preprocessor_config.json",
                            tmp.filePath(QStringLiteral("preprocessor_config.json"))));
        QVERIFY(errorOf(tmp.path()).contains(tmp.path()));
        auto m = core::Matcher::open(dir_);
        QVERIFY_THROWS_EXCEPTION(compute::Error, m->match(image_, {}));
        try {
            m->match(tmp.filePath(QStringLiteral("none.png")), texts_);
            QFAIL("no error for a missing image");
        } catch (const compute::Error& e) {
            QVERIFY2(QString::fromStdString(e.what()).contains(QLatin1String("none.png")), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestMatcher)
#include "tst_matcher.moc"
