// SPDX-License-Identifier: MIT
// ViT/DeiT model construction: architecture-specific heads, config and weight validation, dtype
// handling, and batch/observation behaviour, on small random models.
#include "compute/error.h"
#include "compute/models/vit.h"
#include "op_reference.h"

#include <QTest>

using namespace loupe::compute;
using namespace loupe::test;

namespace {

ViTConfig smallConfig()
{
    ViTConfig c;
    c.hiddenSize = 16;
    c.numHiddenLayers = 2;
    c.numAttentionHeads = 2;
    c.intermediateSize = 24;
    c.imageSize = 32;
    c.patchSize = 8;
    c.layerNormEps = 1e-6;
    for (int i = 0; i < 5; ++i)
        c.id2label[i] = "c" + std::to_string(i);
    return c;
}

std::map<std::string, Tensor> randomWeights(const ViTConfig& c, VitModel::Arch arch, std::mt19937& rng)
{
    const bool deit =
        arch == VitModel::Arch::DeiTForImageClassification || arch == VitModel::Arch::DeiTWithTeacher;
    const std::string pre = deit ? "deit." : "vit.";
    const int64_t D = c.hiddenSize, I = c.intermediateSize, P = c.patchSize;
    std::map<std::string, Tensor> w;
    auto t = [&](const std::string& n, Shape s) { w[n] = randomTensor(rng, std::move(s), -0.5f, 0.5f); };
    t(pre + "embeddings.cls_token", {1, 1, D});
    if (deit) t(pre + "embeddings.distillation_token", {1, 1, D});
    t(pre + "embeddings.position_embeddings", {1, c.numPatches() + (deit ? 2 : 1), D});
    t(pre + "embeddings.patch_embeddings.projection.weight", {D, c.numChannels, P, P});
    t(pre + "embeddings.patch_embeddings.projection.bias", {D});
    for (int64_t i = 0; i < c.numHiddenLayers; ++i) {
        const std::string l = pre + "encoder.layer." + std::to_string(i) + ".";
        for (const char* n : {"attention.attention.query", "attention.attention.key",
                              "attention.attention.value", "attention.output.dense"}) {
            t(l + n + ".weight", {D, D});
            t(l + n + ".bias", {D});
        }
        t(l + "intermediate.dense.weight", {I, D});
        t(l + "intermediate.dense.bias", {I});
        t(l + "output.dense.weight", {D, I});
        t(l + "output.dense.bias", {D});
        for (const char* n : {"layernorm_before", "layernorm_after"}) {
            t(l + n + ".weight", {D});
            t(l + n + ".bias", {D});
        }
    }
    t(pre + "layernorm.weight", {D});
    t(pre + "layernorm.bias", {D});
    if (arch == VitModel::Arch::DeiTWithTeacher) {
        t("cls_classifier.weight", {5, D});
        t("cls_classifier.bias", {5});
        t("distillation_classifier.weight", {5, D});
        t("distillation_classifier.bias", {5});
    } else {
        t("classifier.weight", {5, D});
        t("classifier.bias", {5});
    }
    return w;
}

std::vector<double> headOf(const Tensor& lastHidden, int64_t token, const Tensor& w, const Tensor& b)
{
    std::vector<double> out;
    for (int64_t c = 0; c < w.size(0); ++c) {
        double acc = at(b, {c});
        for (int64_t k = 0; k < w.size(1); ++k)
            acc += at(lastHidden, {0, token, k}) * at(w, {c, k});
        out.push_back(acc);
    }
    return out;
}

} // namespace

class TestVitModel : public QObject
{
    Q_OBJECT
private slots:
    void deitWithTeacherAveragesBothHeads()
    {
        std::mt19937 rng(41);
        const ViTConfig c = smallConfig();
        const auto w = randomWeights(c, VitModel::Arch::DeiTWithTeacher, rng);
        const VitModel m = VitModel::fromTensors(c, VitModel::Arch::DeiTWithTeacher, w);
        VitRunOptions o;
        o.hiddenStates = true;
        const VitOutput out = m.forward(randomTensor(rng, {1, 3, 32, 32}), o);
        QCOMPARE(out.hiddenStates[0].shape(), (Shape{1, 16 + 2, 16})); // CLS + distillation + 16 patches
        const std::vector<double> a =
            headOf(out.lastHiddenState, 0, w.at("cls_classifier.weight"), w.at("cls_classifier.bias"));
        const std::vector<double> b = headOf(out.lastHiddenState, 1, w.at("distillation_classifier.weight"),
                                             w.at("distillation_classifier.bias"));
        std::vector<double> mean;
        for (size_t i = 0; i < a.size(); ++i)
            mean.push_back((a[i] + b[i]) / 2);
        QVERIFY(worst(out.logits, mean, 1e-5, 1e-5) <= 1);
    }

    void deitClassifierUsesClsToken()
    {
        std::mt19937 rng(42);
        const ViTConfig c = smallConfig();
        const auto w = randomWeights(c, VitModel::Arch::DeiTForImageClassification, rng);
        const VitModel m = VitModel::fromTensors(c, VitModel::Arch::DeiTForImageClassification, w);
        const VitOutput out = m.forward(randomTensor(rng, {1, 3, 32, 32}));
        QVERIFY(worst(out.logits,
                      headOf(out.lastHiddenState, 0, w.at("classifier.weight"), w.at("classifier.bias")),
                      1e-5, 1e-5) <= 1);
    }

    void halfPrecisionWeightsMatchF32()
    {
        std::mt19937 rng(43);
        const ViTConfig c = smallConfig();
        auto w = randomWeights(c, VitModel::Arch::ViTForImageClassification, rng);
        // Round the weights to bf16 first, so the f32 model and the bf16 model hold identical values.
        for (auto& [name, t] : w)
            t = t.to(DType::BF16).to(DType::F32);
        std::map<std::string, Tensor> wb;
        for (auto& [name, t] : w)
            wb[name] = t.to(DType::BF16);
        const VitModel mf = VitModel::fromTensors(c, VitModel::Arch::ViTForImageClassification, w);
        const VitModel mb = VitModel::fromTensors(c, VitModel::Arch::ViTForImageClassification, wb);
        const Tensor px = randomTensor(rng, {2, 3, 32, 32});
        QCOMPARE(mb.forward(px).logits.toF32Vector(), mf.forward(px).logits.toF32Vector());
        QCOMPARE(mb.parameterCount(), mf.parameterCount());
    }

    void missingUnexpectedAndMisshapenTensors()
    {
        std::mt19937 rng(44);
        const ViTConfig c = smallConfig();
        const auto arch = VitModel::Arch::ViTForImageClassification;
        auto expectError = [&](std::map<std::string, Tensor> w, const char* needle) {
            try {
                VitModel::fromTensors(c, arch, w, "/models/x");
            } catch (const Error& e) {
                const QString msg = QString::fromUtf8(e.what());
                QVERIFY2(msg.contains(QLatin1String(needle)) && msg.contains(QLatin1String("/models/x")),
                         qPrintable(msg));
                return;
            }
            QFAIL("no error");
        };
        auto w = randomWeights(c, arch, rng);
        auto missing = w;
        missing.erase("vit.encoder.layer.1.output.dense.bias");
        expectError(missing, "missing tensor 'vit.encoder.layer.1.output.dense.bias'");
        auto extra = w;
        extra["vit.encoder.layer.2.output.dense.bias"] = Tensor::zeros(DType::F32, {16});
        expectError(extra, "unexpected tensor 'vit.encoder.layer.2.output.dense.bias'");
        auto misshapen = w;
        misshapen["vit.encoder.layer.0.intermediate.dense.weight"] = Tensor::zeros(DType::F32, {16, 24});
        expectError(misshapen, "expected [24, 16]");
        auto optional = w; // transformers keeps these around; they are allowed
        optional["vit.embeddings.mask_token"] = Tensor::zeros(DType::F32, {1, 1, 16});
        VitModel::fromTensors(c, arch, optional);

        ViTConfig bad = c;
        bad.numAttentionHeads = 3;
        QVERIFY_THROWS_EXCEPTION(Error, VitModel::fromTensors(bad, arch, w));
        bad.numAttentionHeads = 0;
        QVERIFY_THROWS_EXCEPTION(Error, VitModel::fromTensors(bad, arch, w));
        ViTConfig badAct = c;
        badAct.hiddenAct = "swiglu";
        QVERIFY_THROWS_EXCEPTION(Error, VitModel::fromTensors(badAct, arch, w));
    }

    void badPixelShapes()
    {
        std::mt19937 rng(45);
        const ViTConfig c = smallConfig();
        const VitModel m =
            VitModel::fromTensors(c, VitModel::Arch::ViTForImageClassification,
                                  randomWeights(c, VitModel::Arch::ViTForImageClassification, rng));
        QVERIFY_THROWS_EXCEPTION(Error, m.forward(Tensor::zeros(DType::F32, {1, 1, 32, 32})));
        QVERIFY_THROWS_EXCEPTION(Error, m.forward(Tensor::zeros(DType::F32, {3, 32, 32})));
        VitRunOptions o;
        o.interpolatePosEncoding = true;
        QVERIFY_THROWS_EXCEPTION(Error, m.forward(Tensor::zeros(DType::F32, {1, 3, 4, 4}), o)); // < one patch
        // Hidden state count and attention shapes on request.
        o.hiddenStates = o.attentions = true;
        const VitOutput out = m.forward(randomTensor(rng, {1, 3, 40, 24}), o);
        QCOMPARE(out.hiddenStates.size(), size_t(3));
        QCOMPARE(out.attentions[1].shape(), (Shape{1, 2, 5 * 3 + 1, 5 * 3 + 1}));
        // Every attention row is a probability distribution.
        const std::vector<float> a = out.attentions[0].toF32Vector();
        for (size_t r = 0; r < a.size() / 16; ++r) {
            double s = 0;
            for (size_t k = 0; k < 16; ++k)
                s += a[r * 16 + k];
            QVERIFY(std::fabs(s - 1) < 1e-5);
        }
    }
};

QTEST_GUILESS_MAIN(TestVitModel)
#include "tst_vit_model.moc"
