// SPDX-License-Identifier: MIT
// Reverse-mode gradients: every backward rule against double-sided finite differences on small random
// graphs, then ViT parity with transformers' autograd on the golden vit_classify case (attn_grads.*,
// input_grad) and Chefer relevancy computed from these gradients.
#include "common/golden.h"
#include "common/testsupport.h"
#include "compute/attribution/attention_maps.h"
#include "compute/autograd/backward.h"
#include "compute/autograd/vit_gradients.h"
#include "compute/cpu_options.h"
#include "compute/error.h"
#include "compute/io/checkpoint.h"
#include "compute/io/safetensors.h"
#include "compute/models/vit.h"
#include "compute/threadpool.h"

#include <QTest>
#include <cmath>
#include <functional>
#include <random>

using namespace loupe::compute;
namespace test = loupe::test;

namespace {

Tensor randomTensor(const Shape& shape, std::mt19937& rng, float scale = 1.0f)
{
    std::normal_distribution<float> d(0.0f, scale);
    std::vector<float> v(size_t(shapeNumel(shape)));
    for (float& x : v)
        x = d(rng);
    return Tensor::fromF32(shape, v);
}

// Builds a graph on input "x" of `shape`; checks d(sum(r * out))/dx against central differences.
// Returns the worst |analytic - numeric| / (atol + rtol |numeric|).
double gradCheck(const Shape& shape, const std::function<NodeId(Graph&, NodeId)>& build, uint32_t seed = 7)
{
    std::mt19937 rng(seed);
    Graph g;
    const NodeId x = g.input("x", shape);
    const NodeId y = build(g, x);
    const Tensor xv = randomTensor(shape, rng);
    const Tensor r = randomTensor(g.node(y).shape, rng);
    const GradientRun run = runWithGradients(g, {{"x", xv}}, y, r);
    const std::vector<float> analytic = run.gradOf(x).toF32Vector();
    auto target = [&](const Tensor& in) {
        const GradientRun f = runWithGradients(g, {{"x", in}}, y, r);
        const std::vector<float> out = f.valueOf(y).toF32Vector(), rv = r.toF32Vector();
        double s = 0;
        for (size_t i = 0; i < out.size(); ++i)
            s += double(out[i]) * rv[i];
        return s;
    };
    const double eps = 1e-2;
    double worst = 0;
    std::vector<float> base = xv.toF32Vector();
    for (size_t i = 0; i < base.size(); ++i) {
        std::vector<float> p = base, m = base;
        p[i] += float(eps);
        m[i] -= float(eps);
        const double numeric =
            (target(Tensor::fromF32(shape, p)) - target(Tensor::fromF32(shape, m))) / (2 * eps);
        worst =
            std::max(worst, std::fabs(double(analytic[i]) - numeric) / (2e-3 + 2e-2 * std::fabs(numeric)));
    }
    return worst;
}

} // namespace

class TestAutograd : public QObject
{
    Q_OBJECT

private slots:
    void linearWithActivationAndResidual_data()
    {
        QTest::addColumn<int>("act");
        for (Activation a : {Activation::None, Activation::GeluErf, Activation::GeluTanh,
                             Activation::QuickGelu, Activation::Silu, Activation::Tanh, Activation::Sigmoid})
            QTest::newRow(activationName(a)) << int(a);
    }
    void linearWithActivationAndResidual()
    {
        QFETCH(int, act);
        std::mt19937 rng(3);
        const Tensor w = randomTensor({4, 4}, rng, 0.5f), b = randomTensor({4}, rng);
        const double worst = gradCheck({2, 3, 4}, [&](Graph& g, NodeId x) {
            return g.linear(x, g.weight("w", w), g.weight("b", b), Activation(act), x);
        });
        QVERIFY2(worst <= 1.0, qPrintable(QString("off by %1 of the tolerance").arg(worst)));
    }
    void activation_data() { linearWithActivationAndResidual_data(); }
    void activation()
    {
        QFETCH(int, act);
        const double worst =
            gradCheck({3, 5}, [&](Graph& g, NodeId x) { return g.activation(x, Activation(act)); });
        QVERIFY2(worst <= 1.0, qPrintable(QString("off by %1 of the tolerance").arg(worst)));
    }
    void matmulOfStridedViews()
    {
        // x [2, 3, 4] times its own transpose: both operands are views of one node.
        const double worst = gradCheck({2, 3, 4}, [](Graph& g, NodeId x) {
            return g.matmul(x, g.permute(x, {0, 2, 1}));
        });
        QVERIFY2(worst <= 1.0, qPrintable(QString("off by %1 of the tolerance").arg(worst)));
    }
    void softmaxWithScale()
    {
        const double worst = gradCheck({2, 3, 5}, [](Graph& g, NodeId x) { return g.softmax(x, 0.7); });
        QVERIFY2(worst <= 1.0, qPrintable(QString("off by %1 of the tolerance").arg(worst)));
    }
    void layerNorm()
    {
        std::mt19937 rng(5);
        const Tensor w = randomTensor({6}, rng), b = randomTensor({6}, rng);
        const double worst = gradCheck({3, 6}, [&](Graph& g, NodeId x) {
            return g.layerNorm(x, g.weight("w", w), g.weight("b", b), 1e-6);
        });
        QVERIFY2(worst <= 1.0, qPrintable(QString("off by %1 of the tolerance").arg(worst)));
    }
    void broadcastArithmetic()
    {
        std::mt19937 rng(9);
        const Tensor c = randomTensor({4}, rng);
        const double worst = gradCheck({2, 3, 4}, [&](Graph& g, NodeId x) {
            const NodeId row = g.slice(x, 1, 0, 1); // [2, 1, 4] broadcast over dim 1
            const NodeId prod = g.mul(x, row);
            return g.sub(g.add(prod, g.weight("c", c)), g.mul(x, g.weight("c2", c)));
        });
        QVERIFY2(worst <= 1.0, qPrintable(QString("off by %1 of the tolerance").arg(worst)));
    }
    void viewsContAndConcat()
    {
        const double worst = gradCheck({2, 3, 4}, [](Graph& g, NodeId x) {
            const NodeId t = g.cont(g.permute(x, {0, 2, 1}));          // [2, 4, 3]
            const NodeId s = g.asStrided(x, {2, 2, 3}, {12, 1, 4}, 1); // overlapping strided view
            const NodeId c = g.concat(t, g.cont(s), 1);                // [2, 6, 3]
            return g.mul(c, c);
        });
        QVERIFY2(worst <= 1.0, qPrintable(QString("off by %1 of the tolerance").arg(worst)));
    }
    void patchEmbed()
    {
        std::mt19937 rng(11);
        const Tensor w = randomTensor({5, 2, 2, 2}, rng, 0.5f), b = randomTensor({5}, rng);
        const double worst = gradCheck({2, 2, 4, 6}, [&](Graph& g, NodeId x) {
            return g.patchEmbed(x, g.weight("w", w), g.weight("b", b), 2);
        });
        QVERIFY2(worst <= 1.0, qPrintable(QString("off by %1 of the tolerance").arg(worst)));
    }
    void bicubic_data()
    {
        QTest::addColumn<int>("outH");
        QTest::addColumn<int>("outW");
        QTest::addColumn<double>("scaleH");
        QTest::addColumn<double>("scaleW");
        // interpolate_pos_encoding's (g + 0.1) / g0 scale factors, a downscale, and in/out scales (0).
        QTest::newRow("pos-encoding 3x4 -> 5x6") << 5 << 6 << (5 + 0.1) / 3 << (6 + 0.1) / 4;
        QTest::newRow("down 3x4 -> 2x3") << 2 << 3 << 0.7 << 0.8;
        QTest::newRow("in/out scale 3x4 -> 7x5") << 7 << 5 << 0.0 << 0.0;
    }
    void bicubic()
    {
        QFETCH(int, outH);
        QFETCH(int, outW);
        QFETCH(double, scaleH);
        QFETCH(double, scaleW);
        const double worst = gradCheck({2, 2, 3, 4}, [&](Graph& g, NodeId x) {
            return g.bicubic(x, outH, outW, scaleH, scaleW);
        });
        QVERIFY2(worst <= 1.0, qPrintable(QString("off by %1 of the tolerance").arg(worst)));
    }
    void bicubicInsideAGraph()
    {
        // A strided (permuted) input and a nonlinear consumer, as ViT's position table takes the path.
        const double worst = gradCheck({1, 4, 3, 2}, [](Graph& g, NodeId x) {
            const NodeId t = g.cont(g.permute(x, {0, 3, 1, 2})); // [1, 2, 4, 3]
            const NodeId up = g.bicubic(t, 6, 5, 6.1 / 4, 5.1 / 3);
            return g.mul(up, up);
        });
        QVERIFY2(worst <= 1.0, qPrintable(QString("off by %1 of the tolerance").arg(worst)));
    }
    void requestedIntermediateMatchesFullRun()
    {
        // Asking only for a middle node skips the rest of the sweep but must give the same gradient.
        std::mt19937 rng(13);
        const Tensor w = randomTensor({6, 6}, rng, 0.5f), b = randomTensor({6}, rng);
        const Tensor lw = randomTensor({6}, rng), lb = randomTensor({6}, rng);
        Graph g;
        const NodeId x = g.input("x", {2, 3, 6});
        const NodeId mid = g.linear(x, g.weight("w", w), g.weight("b", b), Activation::GeluErf, x);
        const NodeId y = g.softmax(g.layerNorm(mid, g.weight("lw", lw), g.weight("lb", lb), 1e-5), 0.9);
        const Tensor xv = randomTensor({2, 3, 6}, rng), seed = randomTensor({2, 3, 6}, rng);
        const GradientRun full = runWithGradients(g, {{"x", xv}}, y, seed, GradientRequest{{x, mid}, {}});
        const GradientRun part = runWithGradients(g, {{"x", xv}}, y, seed, GradientRequest{{mid}, {}});
        const std::vector<float> a = full.gradOf(mid).toF32Vector(), c = part.gradOf(mid).toF32Vector();
        QCOMPARE(a.size(), c.size());
        bool nonzero = false;
        for (size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(c[i], a[i]);
            nonzero = nonzero || a[i] != 0.0f;
        }
        QVERIFY(nonzero);
        QVERIFY_THROWS_EXCEPTION(loupe::compute::Error, part.gradOf(x)); // not requested
        // The full run keeps the pre-activation (activation unfused), so values agree to rounding only.
        const std::vector<float> va = full.valueOf(mid).toF32Vector(), vc = part.valueOf(mid).toF32Vector();
        for (size_t i = 0; i < va.size(); ++i)
            QVERIFY(std::fabs(va[i] - vc[i]) <= 1e-5f * (1.0f + std::fabs(va[i])));
    }
    void weightGradientIsRefused()
    {
        std::mt19937 rng(1);
        Graph g;
        const NodeId x = g.input("x", {1, 4});
        const NodeId w = g.weight("w", randomTensor({3, 4}, rng));
        const NodeId y = g.linear(x, w);
        QVERIFY_THROWS_EXCEPTION(loupe::compute::Error,
                                 runWithGradients(g, {{"x", randomTensor({1, 4}, rng)}}, y,
                                                  randomTensor({1, 3}, rng), GradientRequest{{w}, {}}));
        QVERIFY_THROWS_EXCEPTION(loupe::compute::Error,
                                 runWithGradients(g, {{"x", randomTensor({1, 4}, rng)}}, y,
                                                  randomTensor({1, 4}, rng))); // seed of the wrong shape
    }

    void cleanup()
    {
        cpuOptions() = CpuOptions{};
        setThreadCount(0);
    }

    void vitGoldenGradients_data()
    {
        // Every kill switch's path: the backward GEMMs and row kernels must hold on each.
        QTest::addColumn<bool>("onednn");
        QTest::addColumn<bool>("naive");
        QTest::addColumn<bool>("simd");
        QTest::addColumn<int>("threads");
        QTest::newRow("onednn") << true << false << true << 0;
        QTest::newRow("blocked") << false << false << true << 0;
        QTest::newRow("naive") << false << true << true << 0;
        QTest::newRow("no-simd, 1 thread") << true << false << false << 1;
    }
    void vitGoldenGradients()
    {
        QFETCH(bool, onednn);
        QFETCH(bool, naive);
        QFETCH(bool, simd);
        QFETCH(int, threads);
        cpuOptions().useOneDnn = onednn;
        cpuOptions().naiveGemm = naive;
        cpuOptions().fastMath = simd;
        setThreadCount(threads);
        const QString dir = test::goldenDir(QStringLiteral("vit_classify"));
        const VitModel model = VitModel::fromCheckpoint(Checkpoint::open(dir.toStdString()));
        const auto file =
            SafetensorsFile::open((dir + QStringLiteral("/expected.safetensors")).toStdString());
        const TensorView& pv = file.tensor("pixel_values");
        const Tensor pixels = Tensor::fromF32(pv.shape, toF32(pv));
        const int64_t top = int64_t(toF32(file.tensor("top_class")).at(0));
        const VitGradients grads = vitGradients(model, pixels, top);

        QString err =
            test::compareClose(QStringLiteral("logits"), grads.logits.toF32Vector(), file.tensor("logits"),
                               test::goldenTolerance(dir, QStringLiteral("logits")));
        QVERIFY2(err.isEmpty(), qPrintable(err));
        const int L = int(grads.attnGrads.size());
        QCOMPARE(L, int(model.config().numHiddenLayers));
        for (int l = 0; l < L; ++l) {
            const QString name = QStringLiteral("attn_grads.%1").arg(l);
            err = test::compareClose(name, grads.attnGrads[size_t(l)].toF32Vector(),
                                     file.tensor(name.toStdString()), test::goldenTolerance(dir, name));
            QVERIFY2(err.isEmpty(), qPrintable(err));
        }
        err = test::compareClose(QStringLiteral("input_grad"), grads.inputGrad.toF32Vector(),
                                 file.tensor("input_grad"),
                                 test::goldenTolerance(dir, QStringLiteral("input_grad")));
        QVERIFY2(err.isEmpty(), qPrintable(err));

        // Chefer relevancy from the engine's own attentions and gradients.
        namespace at = loupe::compute::attribution;
        const Shape& as = grads.attentions[0].shape();
        std::vector<std::vector<float>> a(static_cast<size_t>(L)), gr(static_cast<size_t>(L));
        at::AttentionSet attn{L, int(as[1]), int(as[2]), {}}, gset{L, int(as[1]), int(as[2]), {}};
        for (int l = 0; l < L; ++l) {
            a[size_t(l)] = grads.attentions[size_t(l)].toF32Vector();
            gr[size_t(l)] = grads.attnGrads[size_t(l)].toF32Vector();
            attn.layer.push_back(a[size_t(l)].data());
            gset.layer.push_back(gr[size_t(l)].data());
        }
        const int grid = int(std::lround(std::sqrt(double(as[2] - 1))));
        const std::vector<float> patches =
            at::patchMap(at::cheferRow(attn, gset, 0), at::PatchGrid{grid, grid, 1});
        err = test::compareClose(QStringLiteral("chefer"), patches, file.tensor("chefer"),
                                 test::goldenTolerance(dir, QStringLiteral("chefer")));
        QVERIFY2(err.isEmpty(), qPrintable(err));
    }
    void vitTargetOutOfRangeIsAnError()
    {
        const QString dir = test::goldenDir(QStringLiteral("vit_classify"));
        const VitModel model = VitModel::fromCheckpoint(Checkpoint::open(dir.toStdString()));
        const int64_t S = model.config().imageSize;
        const Tensor pixels = Tensor::zeros(DType::F32, {1, model.config().numChannels, S, S});
        QVERIFY_THROWS_EXCEPTION(loupe::compute::Error, vitGradients(model, pixels, 100000));
    }
};

QTEST_GUILESS_MAIN(TestAutograd)
#include "tst_autograd.moc"
