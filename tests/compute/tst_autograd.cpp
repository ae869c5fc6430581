// SPDX-License-Identifier: MIT
// Reverse-mode gradients: every backward rule against double-sided finite differences on small random
// graphs, then ViT parity with transformers' autograd on the golden vit_classify case (attn_grads.*,
// input_grad) and Chefer relevancy computed from these gradients.
#include "common/golden.h"
#include "common/testsupport.h"
#include "compute/attribution/attention_maps.h"
#include "compute/autograd/backward.h"
#include "compute/autograd/vit_gradients.h"
#include "compute/error.h"
#include "compute/io/checkpoint.h"
#include "compute/io/safetensors.h"
#include "compute/models/vit.h"

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
    void unsupportedOpOnPathIsAnError()
    {
        Graph g;
        const NodeId x = g.input("x", {1, 1, 2, 2});
        const NodeId y = g.bicubic(x, 4, 4, 2.0, 2.0);
        std::mt19937 rng(1);
        const std::map<std::string, Tensor> inputs = {{"x", randomTensor({1, 1, 2, 2}, rng)}};
        const Tensor seed = randomTensor({1, 1, 4, 4}, rng);
        bool thrown = false;
        try {
            runWithGradients(g, inputs, y, seed);
        } catch (const loupe::compute::Error&) {
            thrown = true;
        }
        QVERIFY(thrown);
    }

    void vitGoldenGradients()
    {
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
