// SPDX-License-Identifier: MIT
// ViT parity with Hugging Face transformers on the golden vit_classify case: logits, every hidden state
// and every attention map within the tolerances of its case.json, on every GEMM path.
#include "common/testsupport.h"
#include "compute/cpu_options.h"
#include "compute/error.h"
#include "compute/io/checkpoint.h"
#include "compute/io/safetensors.h"
#include "compute/models/vit.h"
#include "compute/threadpool.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <cmath>

using namespace loupe::compute;

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

// numpy.allclose's rule; returns the worst violation ratio |a - e| / (atol + rtol |e|).
double worstRatio(const Tensor& actual, const Tensor& expected, Tolerance tol)
{
    const std::vector<float> a = actual.toF32Vector(), e = expected.toF32Vector();
    double worst = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        const double r =
            std::fabs(double(a[i]) - double(e[i])) / (tol.atol + tol.rtol * std::fabs(double(e[i])));
        worst = std::isnan(r) ? INFINITY : std::max(worst, r);
    }
    return worst;
}

} // namespace

class TestVitGolden : public QObject
{
    Q_OBJECT

    QString dir_;
    QJsonObject tolerances_;

    Tolerance tolerance(const char* group) const
    {
        const QJsonObject t = tolerances_.value(QLatin1String(group)).toObject();
        return {t.value(QLatin1String("atol")).toDouble(), t.value(QLatin1String("rtol")).toDouble()};
    }

    void checkAll()
    {
        const Checkpoint ckpt = Checkpoint::open(dir_.toStdString());
        const VitModel model = VitModel::fromCheckpoint(ckpt);
        const SafetensorsFile expected =
            SafetensorsFile::open((dir_ + "/expected.safetensors").toStdString());
        VitRunOptions o;
        o.hiddenStates = true;
        o.attentions = true;
        const VitOutput out = model.forward(expectedTensor(expected, "pixel_values"), o);

        QCOMPARE(out.logits.shape(), (Shape{1, 10}));
        const double logitRatio =
            worstRatio(out.logits, expectedTensor(expected, "logits"), tolerance("logits"));
        QVERIFY2(logitRatio <= 1.0, qPrintable(QString("logits off by %1 of the tolerance").arg(logitRatio)));

        const int64_t layers = model.config().numHiddenLayers;
        QCOMPARE(int64_t(out.hiddenStates.size()), layers + 1);
        QCOMPARE(int64_t(out.attentions.size()), layers);
        for (int64_t i = 0; i <= layers; ++i) {
            const std::string name = "hidden_states." + std::to_string(i);
            const Tensor e = expectedTensor(expected, name);
            QCOMPARE(out.hiddenStates[size_t(i)].shape(), e.shape());
            const double r = worstRatio(out.hiddenStates[size_t(i)], e, tolerance("activations"));
            QVERIFY2(r <= 1.0, qPrintable(QString("%1 off by %2 of the tolerance").arg(name.c_str()).arg(r)));
        }
        for (int64_t l = 0; l < layers; ++l) {
            const std::string name = "attentions." + std::to_string(l);
            const Tensor e = expectedTensor(expected, name);
            QCOMPARE(out.attentions[size_t(l)].shape(), e.shape());
            const double r = worstRatio(out.attentions[size_t(l)], e, tolerance("attentions"));
            QVERIFY2(r <= 1.0, qPrintable(QString("%1 off by %2 of the tolerance").arg(name.c_str()).arg(r)));
        }
        // The top class, exactly.
        const std::vector<float> logits = out.logits.toF32Vector();
        const auto top = std::max_element(logits.begin(), logits.end()) - logits.begin();
        QCOMPARE(int64_t(top), int64_t(expected.tensor("top_class").data
                                           ? *static_cast<const int64_t*>(expected.tensor("top_class").data)
                                           : -1));
    }

private slots:
    void initTestCase()
    {
        dir_ = loupe::test::goldenDir(QStringLiteral("vit_classify"));
        QFile f(dir_ + "/case.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        tolerances_ =
            QJsonDocument::fromJson(f.readAll()).object().value(QLatin1String("tolerances")).toObject();
        QVERIFY(!tolerances_.isEmpty());
    }

    void defaultPath() { checkAll(); }

    void everyKillSwitch_data()
    {
        QTest::addColumn<int>("variant");
        QTest::newRow("blocked gemm") << 0;
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
        checkAll();
        cpuOptions() = saved;
        setThreadCount(0);
    }

    void graphIsCachedByShape()
    {
        const VitModel model = VitModel::fromCheckpoint(Checkpoint::open(dir_.toStdString()));
        const Tensor px = Tensor::zeros(DType::F32, {1, 3, 64, 64});
        const VitOutput a = model.forward(px);
        const VitOutput b = model.forward(px);
        QCOMPARE(model.graphCache().size(), size_t(1));
        QCOMPARE(model.graphCache().hits(), size_t(1));
        QCOMPARE(a.logits.toF32Vector(), b.logits.toF32Vector());
        // Observing changes what is kept, not the numbers.
        VitRunOptions o;
        o.observe = {"blk.1.attn_probs", "blk.2.out"};
        std::vector<std::string> seen;
        o.onObserved = [&](const std::string& name, const Tensor& t) {
            seen.push_back(name + shapeString(t.shape()));
        };
        const VitOutput c = model.forward(px, o);
        QCOMPARE(seen, (std::vector<std::string>{"blk.1.attn_probs[1, 4, 17, 17]", "blk.2.out[1, 17, 48]",
                                                 "final_norm[1, 17, 48]", "logits[1, 10]"}));
        QCOMPARE(model.graphCache().size(), size_t(2));
        QCOMPARE(c.logits.toF32Vector(), a.logits.toF32Vector());
        QVERIFY(c.observed.count("blk.1.attn_probs"));
        QCOMPARE(c.observed.at("blk.1.attn_probs").shape(), (Shape{1, 4, 17, 17}));
        QCOMPARE(c.observed.at("blk.2.out").shape(), (Shape{1, 17, 48}));
        // Batch of two identical images: both rows equal the single-image logits.
        const Tensor px2 = Tensor::zeros(DType::F32, {2, 3, 64, 64});
        const std::vector<float> l2 = model.forward(px2).logits.toF32Vector();
        const std::vector<float> l1 = a.logits.toF32Vector();
        for (size_t i = 0; i < l1.size(); ++i) {
            QVERIFY(std::fabs(l2[i] - l1[i]) < 1e-5f);
            QVERIFY(std::fabs(l2[i + l1.size()] - l1[i]) < 1e-5f);
        }
    }

    void otherSizesNeedInterpolation()
    {
        const VitModel model = VitModel::fromCheckpoint(Checkpoint::open(dir_.toStdString()));
        const Tensor px = Tensor::zeros(DType::F32, {1, 3, 96, 80});
        QVERIFY_THROWS_EXCEPTION(Error, model.forward(px));
        VitRunOptions o;
        o.interpolatePosEncoding = true;
        o.hiddenStates = true;
        const VitOutput out = model.forward(px, o);
        QCOMPARE(out.hiddenStates[0].shape(), (Shape{1, 6 * 5 + 1, 48}));
        for (float v : out.logits.toF32Vector())
            QVERIFY(std::isfinite(v));
        // At the native size interpolation is the identity, as in transformers.
        const Tensor native = Tensor::zeros(DType::F32, {1, 3, 64, 64});
        QCOMPARE(model.forward(native, o).logits.toF32Vector(), model.forward(native).logits.toF32Vector());
    }
};

QTEST_GUILESS_MAIN(TestVitGolden)
#include "tst_vit_golden.moc"
