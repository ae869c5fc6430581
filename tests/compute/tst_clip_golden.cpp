// SPDX-License-Identifier: MIT
// CLIP parity with Hugging Face transformers on the golden clip_match case: pixel values from input.png,
// image and text embeddings, logits_per_image, every hidden state and attention of both towers, and the
// gradients of logits_per_image[0, 0] with respect to the vision attentions, within case.json's
// tolerance groups. The model is fed the golden input ids, so no tokenizer is involved.
#include "common/golden.h"
#include "common/testsupport.h"
#include "compute/cpu_options.h"
#include "compute/io/checkpoint.h"
#include "compute/io/safetensors.h"
#include "compute/models/clip.h"
#include "compute/models/clip_gradients.h"
#include "compute/preprocess/image_processor.h"
#include "compute/threadpool.h"

#include <QFile>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <cmath>

using namespace loupe::compute;
using loupe::test::goldenIds;

namespace {

struct Tolerance
{
    double atol = 0, rtol = 0;
};

Tensor expectedTensor(const SafetensorsFile& f, const std::string& name)
{
    const TensorView& v = f.tensor(name);
    return Tensor::fromF32(v.shape, toF32(v));
}

// numpy.allclose's rule; the worst |a - e| / (atol + rtol |e|) (above 1 fails).
double worstRatio(const Tensor& actual, const Tensor& expected, Tolerance tol)
{
    const std::vector<float> a = actual.toF32Vector(), e = expected.toF32Vector();
    if (a.size() != e.size()) return INFINITY;
    double worst = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        const double r =
            std::fabs(double(a[i]) - double(e[i])) / (tol.atol + tol.rtol * std::fabs(double(e[i])));
        worst = std::isnan(r) ? INFINITY : std::max(worst, r);
    }
    return worst;
}

} // namespace

class TestClipGolden : public QObject
{
    Q_OBJECT

    QString dir_;
    QJsonObject tolerances_;
    std::unique_ptr<SafetensorsFile> expected_;
    std::unique_ptr<ClipModel> model_;

    Tolerance tolerance(const char* group) const
    {
        const QJsonObject t = tolerances_.value(QLatin1String(group)).toObject();
        return {t.value(QLatin1String("atol")).toDouble(), t.value(QLatin1String("rtol")).toDouble()};
    }

    void check(const Tensor& actual, const std::string& name, const char* group)
    {
        const Tensor e = expectedTensor(*expected_, name);
        QVERIFY2(actual.shape() == e.shape(),
                 qPrintable(QString("%1: shape %2, expected %3")
                                .arg(name.c_str(), shapeString(actual.shape()).c_str(),
                                     shapeString(e.shape()).c_str())));
        const double r = worstRatio(actual, e, tolerance(group));
        QVERIFY2(r <= 1.0, qPrintable(QString("%1 off by %2 of the tolerance").arg(name.c_str()).arg(r)));
    }

    ClipTextBatch goldenBatch() const
    {
        const TensorView& v = expected_->tensor("input_ids");
        ClipTextBatch b;
        b.count = v.shape[0];
        b.length = v.shape[1];
        b.ids = goldenIds(*expected_, "input_ids");
        b.mask = goldenIds(*expected_, "attention_mask");
        return b;
    }

    // The loaded golden model; a kill switch read at load time (oneDNN off: weights kept plain) gets a
    // model loaded under it.
    ClipModel load() const { return ClipModel::fromCheckpoint(Checkpoint::open(dir_.toStdString())); }

private slots:
    void initTestCase()
    {
        dir_ = loupe::test::goldenDir(QStringLiteral("clip_match"));
        QFile f(dir_ + "/case.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        tolerances_ =
            QJsonDocument::fromJson(f.readAll()).object().value(QLatin1String("tolerances")).toObject();
        QVERIFY(!tolerances_.isEmpty());
        expected_ = std::make_unique<SafetensorsFile>(
            SafetensorsFile::open((dir_ + "/expected.safetensors").toStdString()));
        model_ = std::make_unique<ClipModel>(load());
    }

    // CLIPImageProcessor: shortest edge 64 then a 64x64 center crop, bicubic.
    void pixelValues()
    {
        QImage img(dir_ + "/input.png");
        QVERIFY(!img.isNull());
        img = img.convertToFormat(QImage::Format_RGB888);
        const ImageU8 view{img.width(), img.height(), 3, size_t(img.bytesPerLine()), img.constBits()};
        const PreprocessedImage p = preprocess(
            view, ImageProcessorConfig::fromFile((dir_ + "/preprocessor_config.json").toStdString()));
        check(Tensor::fromF32(p.shape(), p.pixels), "pixel_values", "pixel_values");
    }

    void textPadding()
    {
        // The golden rows rebuilt from their unpadded ids by ClipTextBatch::pad.
        const ClipTextBatch golden = goldenBatch();
        std::vector<std::vector<int64_t>> rows;
        for (int64_t t = 0; t < golden.count; ++t) {
            std::vector<int64_t> row;
            for (int64_t j = 0; j < golden.length; ++j)
                if (golden.mask[size_t(t * golden.length + j)])
                    row.push_back(golden.ids[size_t(t * golden.length + j)]);
            rows.push_back(row);
        }
        const ClipTextBatch b = ClipTextBatch::pad(rows, model_->config().text.padTokenId);
        QCOMPARE(b.length, golden.length);
        QVERIFY(b.ids == golden.ids);
        QVERIFY(b.mask == golden.mask);
        // Pooled at the first <|endoftext|> (eos 813 != 2): texts 0 and 1 have padding after it.
        QCOMPARE(model_->poolPositions(b), (std::vector<int64_t>{6, 6, 8}));
    }

    void checkTowers()
    {
        ClipRunOptions o;
        o.hiddenStates = true;
        o.attentions = true;
        const ClipImageOutput img = model_->encodeImage(expectedTensor(*expected_, "pixel_values"), o);
        const ClipTextOutput txt = model_->encodeText(goldenBatch(), o);
        check(img.embeds, "image_embeds", "activations");
        check(txt.embeds, "text_embeds", "activations");
        const int64_t vl = model_->config().vision.numHiddenLayers,
                      tl = model_->config().text.numHiddenLayers;
        QCOMPARE(int64_t(img.hiddenStates.size()), vl + 1);
        QCOMPARE(int64_t(txt.hiddenStates.size()), tl + 1);
        for (int64_t i = 0; i <= vl; ++i)
            check(img.hiddenStates[size_t(i)], "vision_hidden_states." + std::to_string(i), "activations");
        for (int64_t i = 0; i <= tl; ++i)
            check(txt.hiddenStates[size_t(i)], "text_hidden_states." + std::to_string(i), "activations");
        for (int64_t l = 0; l < vl; ++l)
            check(img.attentions[size_t(l)], "vision_attentions." + std::to_string(l), "attentions");
        for (int64_t l = 0; l < tl; ++l)
            check(txt.attentions[size_t(l)], "text_attentions." + std::to_string(l), "attentions");

        const ClipScores s = clipScores(model_->logitScale(), img.embeds, txt.embeds);
        check(s.logitsPerImage, "logits_per_image", "logits");
        // case.json's probs_per_image, printed to 6 decimals.
        const std::vector<float> probs = s.probs.toF32Vector();
        const std::vector<float> want = {0.485539f, 0.121651f, 0.39281f};
        for (size_t i = 0; i < want.size(); ++i)
            QVERIFY2(std::fabs(probs[i] - want[i]) < 2e-6, qPrintable(QString::number(probs[i])));
    }

    void checkGradients()
    {
        const Tensor px = expectedTensor(*expected_, "pixel_values");
        const ClipTextOutput txt = model_->encodeText(goldenBatch());
        const Tensor text0 = txt.embeds.slice(0, 0, 1).contiguous();
        const ClipVisionGradients g = clipVisionGradients(*model_, px, text0);
        const float logit00 = expectedTensor(*expected_, "logits_per_image").toF32Vector().front();
        QVERIFY(std::fabs(g.logits.toF32Vector().front() - logit00) <= 1e-4 + 1e-4 * std::fabs(logit00));
        const int64_t vl = model_->config().vision.numHiddenLayers;
        QCOMPARE(int64_t(g.attnGrads.size()), vl);
        for (int64_t l = 0; l < vl; ++l) {
            check(g.attentions[size_t(l)], "vision_attentions." + std::to_string(l), "attentions");
            check(g.attnGrads[size_t(l)], "vision_attn_grads." + std::to_string(l), "gradients");
        }
    }

    void towersAndLogits() { checkTowers(); }
    void visionAttentionGradients() { checkGradients(); }

    void everyKillSwitch_data()
    {
        QTest::addColumn<int>("variant");
        QTest::newRow("blocked gemm, plain weights") << 0;
        QTest::newRow("naive gemm") << 1;
        QTest::newRow("no fusion") << 2;
        QTest::newRow("scalar math") << 3;
        QTest::newRow("one thread") << 4;
    }
    void everyKillSwitch()
    {
        QFETCH(int, variant);
        const CpuOptions saved = cpuOptions();
        CpuOptions& o = cpuOptions();
        if (variant == 0) o.useOneDnn = false;
        if (variant == 1) o.naiveGemm = true;
        if (variant == 2) o.fusion = false;
        if (variant == 3) o.fastMath = false;
        if (variant == 4) setThreadCount(1);
        auto shared = std::move(model_);
        model_ = std::make_unique<ClipModel>(load());
        checkTowers();
        checkGradients();
        model_ = std::move(shared);
        cpuOptions() = saved;
        setThreadCount(0);
    }

    // Several texts for one image in one batch: row b is exactly what a batch of one gives.
    void gradientsBatchPerText()
    {
        const Tensor px = expectedTensor(*expected_, "pixel_values");
        const ClipTextOutput txt = model_->encodeText(goldenBatch());
        const int64_t T = txt.embeds.size(0);
        Tensor pxT = Tensor::empty(DType::F32, {T, px.size(1), px.size(2), px.size(3)});
        for (int64_t t = 0; t < T; ++t)
            copyInto(pxT.slice(0, t, t + 1), px);
        const ClipVisionGradients all = clipVisionGradients(*model_, pxT, txt.embeds);
        for (int64_t t = 0; t < T; ++t) {
            const ClipVisionGradients one =
                clipVisionGradients(*model_, px, txt.embeds.slice(0, t, t + 1).contiguous());
            for (size_t l = 0; l < one.attnGrads.size(); ++l) {
                const double r = worstRatio(all.attnGrads[l].slice(0, t, t + 1).contiguous(),
                                            one.attnGrads[l], {1e-6, 1e-4});
                QVERIFY2(r <= 1.0, qPrintable(QString("text %1 layer %2: %3").arg(t).arg(l).arg(r)));
            }
        }
        // The texts are different, so their gradients are too.
        QVERIFY(worstRatio(all.attnGrads[0].slice(0, 0, 1).contiguous(),
                           all.attnGrads[0].slice(0, 1, 2).contiguous(), {1e-6, 1e-4}) > 1.0);
    }
};

QTEST_APPLESS_MAIN(TestClipGolden)
#include "tst_clip_golden.moc"
