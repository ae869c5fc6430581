// SPDX-License-Identifier: MIT
// Per-token relevancy of caption words and VQA answer words over the image (Chefer et al.'s encoder–decoder
// rules, carried along image -> question -> answer for VQA): the rules on cases worked by hand, and the
// engine's maps for every greedy token of the golden ViT-GPT2 and BLIP caption cases and the BLIP VQA case
// against tools/golden/token_relevancy_reference.py (transformers' autograd + numpy).
#include "common/golden.h"
#include "common/testsupport.h"
#include "compute/attribution/token_relevancy.h"
#include "compute/error.h"
#include "compute/io/checkpoint.h"
#include "compute/io/safetensors.h"
#include "compute/models/blip_caption_relevancy.h"
#include "compute/models/blip_vqa_relevancy.h"
#include "compute/models/vision_encoder_decoder_relevancy.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <cmath>
#include <cstring>
#include <functional>

using namespace loupe::compute;
using namespace loupe::compute::attribution;

namespace {

// The reference's values are float64 rules over float32 probabilities and gradients from torch; the
// engine's come from its own float32 forward and backward passes. The inputs differ by the golden
// "gradients" tolerance (atol 1e-4, rtol 1e-3), and the rule is a sum of non-negative products of them,
// so the maps get that same tolerance (as the "explainability" group for Chefer's ViT maps).
constexpr double kAtol = 1e-4, kRtol = 1e-3;

Tensor tensorOf(const TensorView& v)
{
    std::vector<float> data(size_t(shapeNumel(v.shape)));
    std::memcpy(data.data(), v.data, data.size() * sizeof(float));
    return Tensor::fromF32(v.shape, data);
}

QJsonObject readJson(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

std::vector<int64_t> idsOf(const QJsonArray& a)
{
    std::vector<int64_t> out;
    for (const auto& v : a)
        out.push_back(v.toInteger());
    return out;
}

using RelevancyFn = std::function<TokenRelevancy(const std::vector<int64_t>& prefix, int64_t token)>;

// Every step of the reference: same grid, logit and patch map; returns the largest deviation seen as a
// fraction of the tolerance (for the log).
double compareSteps(const QString& dir, const RelevancyFn& relevancy)
{
    const QJsonObject ref = readJson(dir + "/token_relevancy.json");
    const QJsonArray steps = ref.value(QLatin1String("steps")).toArray();
    if (steps.isEmpty()) {
        QTest::qFail(qPrintable(dir + "/token_relevancy.json has no steps"), __FILE__, __LINE__);
        return 0;
    }
    double worst = 0;
    for (qsizetype s = 0; s < steps.size(); ++s) {
        const QJsonObject step = steps[s].toObject();
        const TokenRelevancy r = relevancy(idsOf(step.value(QLatin1String("prefix")).toArray()),
                                           step.value(QLatin1String("token")).toInteger());
        if (r.grid != ref.value(QLatin1String("grid")).toInt()) {
            QTest::qFail(qPrintable(QString("step %1: grid %2").arg(s).arg(r.grid)), __FILE__, __LINE__);
            return worst;
        }
        const double logit = step.value(QLatin1String("logit")).toDouble();
        if (std::fabs(r.logit - logit) > 1e-4 + 1e-4 * std::fabs(logit)) {
            QTest::qFail(qPrintable(QString("step %1: logit %2 vs %3").arg(s).arg(r.logit).arg(logit)),
                         __FILE__, __LINE__);
            return worst;
        }
        const QJsonArray want = step.value(QLatin1String("patches")).toArray();
        if (qsizetype(r.patches.size()) != want.size()) {
            QTest::qFail(qPrintable(QString("step %1: %2 patches, expected %3")
                                        .arg(s)
                                        .arg(r.patches.size())
                                        .arg(want.size())),
                         __FILE__, __LINE__);
            return worst;
        }
        for (qsizetype i = 0; i < want.size(); ++i) {
            const double e = want[i].toDouble(), a = r.patches[size_t(i)];
            const double tol = kAtol + kRtol * std::fabs(e);
            worst = std::max(worst, std::fabs(a - e) / tol);
            if (!(std::fabs(a - e) <= tol)) {
                QTest::qFail(
                    qPrintable(QString("step %1 patch %2: %3 vs reference %4").arg(s).arg(i).arg(a).arg(e)),
                    __FILE__, __LINE__);
                return worst;
            }
        }
    }
    return worst;
}

} // namespace

class TestTokenRelevancy : public QObject
{
    Q_OBJECT

private slots:
    // Encoder: 2 layers over CLS + 1 patch (layer 1 with 2 heads), decoder: 2 layers over 2 tokens, with a
    // negative gradient (clamped away) and a zero row of R^{tt} - I (left at zero, not 0/0). Derivation:
    //   R^{ii} = (I + A2)(I + A1) = [[3, 1], [3/4, 13/4]];  R̄^{ii} = [[5/3, 1/3], [1/4, 7/4]]
    //   layer 1: R^{tt} = [[1, 0], [1/2, 1]], R̄^{tt} = [[1, 0], [1, 1]];
    //            R^{ti} = R̄ᵀ·C1·R̄^{ii} = [[75/24, 117/24], [29/24, 67/24]]   (C1 = [[1, 1], [1/2, 3/2]])
    //   layer 2: S2 = [[1, 0], [1/2, 1/2]]: R^{tt} = [[2, 0], [5/4, 3/2]], R^{ti} = [[150, 234], [81,
    //   159]]/24;
    //            R̄^{tt} = [[2, 0], [5/7, 9/7]], C2 = I: R^{ti} += R̄ᵀ·R̄^{ii}
    //            = [[295/84, 23/12], [9/28, 9/4]]
    //   R^{ti} = [[150/24 + 295/84, 234/24 + 23/12], [81/24 + 9/28, 159/24 + 9/4]]
    void ruleWorkedByHand()
    {
        const std::vector<float> ones8(8, 1.f), ones4(4, 1.f);
        const std::vector<float> enc1 = {1, 0, 0, 1, /* head 1 */ 0, 1, 0, 1};
        const std::vector<float> enc2 = {1, 0, 0.5f, 0.5f};
        const std::vector<float> self = {1, 0, 0.5f, 0.5f};
        const std::vector<float> self1Grad = {0, 0, 1, -1};
        const std::vector<float> cross1 = {0.5f, 0.5f, 0.25f, 0.75f}, twos(4, 2.f);
        const std::vector<float> cross2 = {1, 0, 0, 1}, cross2Grad = {1, 1, -1, 1};
        EncoderDecoderAttention at;
        at.encoderSelf = {{2, 2, 2, enc1.data(), ones8.data()}, {1, 2, 2, enc2.data(), ones4.data()}};
        at.decoderSelf = {{1, 2, 2, self.data(), self1Grad.data()}, {1, 2, 2, self.data(), ones4.data()}};
        at.decoderCross = {{1, 2, 2, cross1.data(), twos.data()},
                           {1, 2, 2, cross2.data(), cross2Grad.data()}};
        const std::vector<float> r = encoderDecoderRelevancy(at);
        const double want[4] = {150.0 / 24 + 295.0 / 84, 234.0 / 24 + 23.0 / 12, 81.0 / 24 + 9.0 / 28,
                                159.0 / 24 + 9.0 / 4};
        QCOMPARE(r.size(), size_t(4));
        for (int i = 0; i < 4; ++i)
            QVERIFY2(std::fabs(r[size_t(i)] - want[i]) < 1e-5,
                     qPrintable(QString("R^ti[%1] = %2, by hand %3").arg(i).arg(r[size_t(i)]).arg(want[i])));
    }

    void normalisationKeepsZeroRows()
    {
        const std::vector<double> r = {1, 0, 2, 3}; // row 0 of R - I is zero
        const std::vector<double> n = normalizeSelfRelevancy(r, 2);
        QCOMPARE(n, (std::vector<double>{1, 0, 0.5, 1.5}));
    }

    void mismatchedLayersAreRefused()
    {
        const std::vector<float> a(4, 0.5f);
        EncoderDecoderAttention at;
        at.encoderSelf = {{1, 2, 2, a.data(), a.data()}};
        at.decoderSelf = {{1, 2, 2, a.data(), a.data()}};
        QVERIFY_THROWS_EXCEPTION(Error, encoderDecoderRelevancy(at)); // no cross layer
        at.decoderCross = {{1, 2, 3, a.data(), a.data()}};            // 3 keys for a 2-token encoder
        try {
            encoderDecoderRelevancy(at);
            QFAIL("a 3-key cross-attention over 2 image tokens was accepted");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("cross-attention layer 0"), e.what());
        }
    }

    void vitGpt2MatchesReference()
    {
        const QString dir = loupe::test::goldenDir(QStringLiteral("vit_gpt2_caption"));
        const auto model = VisionEncoderDecoderModel::fromCheckpoint(Checkpoint::open(dir.toStdString()));
        const SafetensorsFile expected = SafetensorsFile::open((dir + "/expected.safetensors").toStdString());
        const Tensor px = tensorOf(expected.tensor("pixel_values"));
        const Tensor enc = model.encode(px);
        const double worst = compareSteps(dir, [&](const std::vector<int64_t>& prefix, int64_t token) {
            return captionTokenRelevancy(model, px, enc, prefix, token);
        });
        qInfo("largest deviation: %.3g of the tolerance", worst);
    }

    void blipMatchesReference()
    {
        const QString dir = loupe::test::goldenDir(QStringLiteral("blip_caption"));
        const auto model = BlipForConditionalGeneration::fromCheckpoint(Checkpoint::open(dir.toStdString()));
        const SafetensorsFile expected = SafetensorsFile::open((dir + "/expected.safetensors").toStdString());
        const Tensor px = tensorOf(expected.tensor("pixel_values"));
        const Tensor embeds = model.vision().forward(px).imageEmbeds;
        const double worst = compareSteps(dir, [&](const std::vector<int64_t>& prefix, int64_t token) {
            return captionTokenRelevancy(model, px, embeds, prefix, token);
        });
        qInfo("largest deviation: %.3g of the tolerance", worst);
    }

    // One layer per stage, one head. Vision: Ā = I, R^{ii} = 2I, R̄^{ii} = 2I. Question (1 token): self
    // gradient 0, R^{qq} = R̄^{qq} = [1]; cross Ā = [1/2, 3/2], R^{qi} = [1/2, 3/2]·2I = [1, 3]. Answer
    // (2 tokens): S = [[1, 0], [1/2, 1/2]], R^{aa} = I + S = R̄^{aa}; cross Ā = [[1], [2]],
    // R^{aq} = (R̄^{aa})ᵀ·Ā·R̄^{qq} = [[2, 1/2], [0, 3/2]]·[[1], [2]] = [[3], [3]];
    // R^{ai} = R^{aq}·R^{qi} = [[3, 9], [3, 9]].
    void questionAnsweringRuleWorkedByHand()
    {
        const std::vector<float> eye = {1, 0, 0, 1}, ones(4, 1.f), one = {1}, zero = {0};
        const std::vector<float> qCross = {0.25f, 0.75f}, twos = {2, 2};
        const std::vector<float> aSelf = {1, 0, 0.5f, 0.5f}, aCross = {1, 1}, aCrossGrad = {1, 2};
        QuestionAnsweringAttention at;
        at.imageSelf = {{1, 2, 2, eye.data(), ones.data()}};
        at.questionSelf = {{1, 1, 1, one.data(), zero.data()}};
        at.questionCross = {{1, 1, 2, qCross.data(), twos.data()}};
        at.answerSelf = {{1, 2, 2, aSelf.data(), ones.data()}};
        at.answerCross = {{1, 2, 1, aCross.data(), aCrossGrad.data()}};
        const std::vector<float> r = questionAnsweringRelevancy(at);
        const std::vector<float> want = {3, 9, 3, 9};
        QCOMPARE(r.size(), want.size());
        for (size_t i = 0; i < want.size(); ++i)
            QVERIFY2(std::fabs(r[i] - want[i]) < 1e-5,
                     qPrintable(QString("R^ai[%1] = %2, by hand %3").arg(i).arg(r[i]).arg(want[i])));

        at.answerCross = {{1, 2, 2, aSelf.data(), ones.data()}}; // 2 keys for a 1-token question
        try {
            questionAnsweringRelevancy(at);
            QFAIL("an answer cross-attention over 2 keys was accepted for a 1-token question");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("answer decoder cross-attention layer 0"), e.what());
        }
    }

    void blipVqaMatchesReference()
    {
        const QString dir = loupe::test::goldenDir(QStringLiteral("blip_vqa"));
        const auto model = BlipForQuestionAnswering::fromCheckpoint(Checkpoint::open(dir.toStdString()));
        const SafetensorsFile expected = SafetensorsFile::open((dir + "/expected.safetensors").toStdString());
        const Tensor px = tensorOf(expected.tensor("pixel_values"));
        const TensorView qv = expected.tensor("input_ids");
        std::vector<int64_t> question(size_t(shapeNumel(qv.shape)));
        std::memcpy(question.data(), qv.data, question.size() * sizeof(int64_t));
        const Tensor image = model.vision().forward(px).imageEmbeds;
        const Tensor states = model.encodeQuestion(question, image).lastHiddenState;
        const double worst = compareSteps(dir, [&](const std::vector<int64_t>& prefix, int64_t token) {
            return answerTokenRelevancy(model, px, image, question, states, prefix, token);
        });
        qInfo("largest deviation: %.3g of the tolerance", worst);
    }

    void tokenOutsideVocabularyIsRefused()
    {
        const QString dir = loupe::test::goldenDir(QStringLiteral("vit_gpt2_caption"));
        const auto model = VisionEncoderDecoderModel::fromCheckpoint(Checkpoint::open(dir.toStdString()));
        const SafetensorsFile expected = SafetensorsFile::open((dir + "/expected.safetensors").toStdString());
        const Tensor px = tensorOf(expected.tensor("pixel_values"));
        const int64_t V = model.decoder().config().vocabSize;
        try {
            captionTokenRelevancy(model, px, model.encode(px), {model.decoderStartTokenId()}, V);
            QFAIL("a token id past the vocabulary was accepted");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("outside the vocabulary"), e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestTokenRelevancy)
#include "tst_token_relevancy.moc"
