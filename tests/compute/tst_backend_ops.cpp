// SPDX-License-Identifier: MIT
// Every op on every available backend against the CPU reference (after ggml's test-backend-ops), with
// the shapes the models use (197x768, 50 and 577 tokens, SAM's 14x14 windows), odd sizes and
// non-contiguous views; then the ViT golden case run end to end on each backend.
// Filters: -o OP and -b BACKEND on the command line (taken out before QtTest sees the arguments), or
// LOUPE_TEST_OP / LOUPE_TEST_BACKEND. LOUPE_TEST_TIMING=1 adds CPU/backend timings of the big cases.
#include "backend_compare.h"
#include "common/testsupport.h"
#include "compute/backend/backend.h"
#include "compute/backend/cuda/cuda_devices.h"
#include "compute/backend/vulkan/vulkan_devices.h"
#include "compute/error.h"
#include "compute/graph/planner.h"
#include "compute/io/checkpoint.h"
#include "compute/io/safetensors.h"
#include "compute/models/vit.h"
#include "compute/models/vit_benchmark.h"
#include "op_reference.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <chrono>
#include <cmath>
#include <limits>

using namespace loupe::compute;
using namespace loupe::test;

namespace {

BackendFilters g_filters;

// Error bound per dtype: |actual - expected| <= atol + rtol * |expected|. Reductions over long rows
// (GEMM, softmax, layernorm) accumulate in a different order than the CPU's vectorised loops.
constexpr Bound kF32Exact{1e-6, 1e-6};
constexpr Bound kF32Reduction{1e-4, 1e-4};

std::vector<BackendUnderTest> backendsUnderTest()
{
    return loupe::test::backendsUnderTest(g_filters.backend);
}

bool opSelected(const char* op)
{
    return g_filters.opSelected(op);
}

#define SKIP_UNLESS_SELECTED(op)                                                                             \
    do {                                                                                                     \
        if (!opSelected(op)) QSKIP("filtered out by -o");                                                    \
        if (backendsUnderTest().empty()) QSKIP(qPrintable(noBackendMessage()));                              \
    } while (0)

// Runs `g` (whose outputs are its kept nodes) on the CPU and on every backend under test and compares
// every kept tensor.
void compareOnBackends(const char* op, const Graph& g, const std::map<std::string, Tensor>& inputs,
                       Bound bound)
{
    const DeviceRun ref = runOn(cpuDevice(), g, inputs);
    QVERIFY(!ref.kept.empty());
    for (const BackendUnderTest& b : backendsUnderTest()) {
        for (const Node& n : g.nodes())
            QVERIFY2(b.device->supportsOp(n),
                     qPrintable(QString("%1 does not support %2").arg(b.name.c_str(), opName(n.op))));
        const DeviceRun got = runOn(*b.device, g, inputs);
        for (const auto& [name, expected] : ref.kept) {
            QVERIFY2(got.kept.count(name),
                     qPrintable(QString("%1: %2 missing").arg(b.name.c_str(), name.c_str())));
            const Tensor& actual = got.kept.at(name);
            QCOMPARE(actual.shape(), expected.shape());
            QString where;
            const double r = worstRatio(actual, expected, bound, &where);
            QVERIFY2(r <= 1.0, qPrintable(QString("%1 on %2: %3 off by %4 of the bound at %5")
                                              .arg(op, b.name.c_str(), name.c_str())
                                              .arg(r)
                                              .arg(where)));
        }
    }
}

Tensor weightOf(std::mt19937& rng, Shape s, float scale = 0.05f)
{
    return randomTensor(rng, std::move(s), -scale, scale);
}

} // namespace

class TestBackendOps : public QObject
{
    Q_OBJECT

private slots:
    void deviceListing()
    {
        // Every listed device has a name and a type; at most one is selected, and it is vulkanDevice().
        int selected = 0;
        for (const VulkanDeviceInfo& d : vulkanDeviceInfos()) {
            QVERIFY(!d.name.empty());
            QVERIFY(!d.type.empty());
            selected += d.selected;
        }
        QVERIFY(selected <= 1);
        QCOMPARE(selected == 1, vulkanDevice() != nullptr);
        QVERIFY(!vulkanStatus().empty());
    }

    void refusesWhatItLacks()
    {
        Device* v = vulkanDevice();
        if (!v) QSKIP("no Vulkan device");
        Node matmul5d;
        matmul5d.op = Op::MatMul;
        matmul5d.shape = {2, 2, 2, 3, 3};
        QVERIFY(!v->supportsOp(matmul5d));
        Node half;
        half.op = Op::Add;
        half.dtype = DType::F16;
        QVERIFY(!v->supportsOp(half));
        // A host arena is a caller error with a clear message, not a crash.
        Graph g;
        g.keep(g.add(g.input("x", {4}), g.input("x2", {4})));
        const MemoryPlan plan = planMemory(g);
        auto hostArena = cpuDevice().bufferType().allocate(plan.arenaBytes);
        GraphRun run;
        run.inputs["x"] = Tensor::zeros(DType::F32, {4});
        run.inputs["x2"] = Tensor::zeros(DType::F32, {4});
        QVERIFY_THROWS_EXCEPTION(Error, v->createBackend()->compute(g, plan, *hostArena, run));
    }

    void matmul_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("linear 197x768x768 bias residual") << "linear197";
        QTest::newRow("linear 50x768x3072 gelu erf") << "linear50gelu";
        QTest::newRow("linear odd 7x13x5 gelu tanh, strided x") << "linearOdd";
        QTest::newRow("linear 3-D x, quick gelu, no bias") << "linear3d";
        QTest::newRow("attention scores 12x197x64 @ k^T") << "scores";
        QTest::newRow("attention context 12x197x197 @ v") << "context";
        QTest::newRow("577 tokens, 2 heads") << "tokens577";
        QTest::newRow("broadcast batch 3x1 x 1x4") << "broadcast";
        QTest::newRow("odd 2-D 33x65x17") << "odd2d";
        QTest::newRow("weight tensors stored transposed and sliced, read through views") << "stridedWeight";
    }
    void matmul()
    {
        SKIP_UNLESS_SELECTED("matmul");
        QFETCH(QString, kind);
        std::mt19937 rng(7);
        Graph g;
        std::map<std::string, Tensor> in;
        auto input = [&](const std::string& name, Shape s) {
            in[name] = randomTensor(rng, s);
            return g.input(name, s);
        };
        if (kind == "linear197") {
            const NodeId x = input("x", {1, 197, 768});
            const NodeId w = g.weight("w", weightOf(rng, {768, 768}));
            const NodeId b = g.weight("b", weightOf(rng, {768}));
            g.keep(g.name(g.linear(x, w, b, Activation::None, input("r", {1, 197, 768})), "y"));
        } else if (kind == "linear50gelu") {
            const NodeId x = input("x", {1, 50, 768});
            g.keep(g.name(g.linear(x, g.weight("w", weightOf(rng, {3072, 768})),
                                   g.weight("b", weightOf(rng, {3072})), Activation::GeluErf),
                          "y"));
        } else if (kind == "linearOdd") {
            // x is every other row of a [14, 5] input: a strided 2-D view.
            const NodeId full = input("x", {14, 5});
            const NodeId x = g.asStrided(full, {7, 5}, {10, 1}, 0);
            g.keep(g.name(g.linear(x, g.weight("w", weightOf(rng, {13, 5}, 1.f)),
                                   g.weight("b", weightOf(rng, {13}, 1.f)), Activation::GeluTanh),
                          "y"));
        } else if (kind == "linear3d") {
            const NodeId x = g.permute(input("x", {9, 2, 24}), {1, 0, 2}); // [2, 9, 24], rows strided
            g.keep(g.name(
                g.linear(x, g.weight("w", weightOf(rng, {31, 24}, 0.3f)), -1, Activation::QuickGelu), "y"));
        } else if (kind == "scores" || kind == "tokens577") {
            const int64_t H = kind == "scores" ? 12 : 2, T = kind == "scores" ? 197 : 577;
            const NodeId q = g.permute(input("q", {1, T, H, 64}), {0, 2, 1, 3});
            const NodeId k = g.permute(input("k", {1, T, H, 64}), {0, 2, 3, 1}); // transposed-B view
            g.keep(g.name(g.matmul(q, k), "scores"));
        } else if (kind == "context") {
            const NodeId p = input("p", {1, 12, 197, 197});
            const NodeId v = g.permute(input("v", {1, 197, 12, 64}), {0, 2, 1, 3});
            g.keep(g.name(g.matmul(p, v), "ctx"));
        } else if (kind == "broadcast") {
            g.keep(g.name(g.matmul(input("a", {3, 1, 6, 5}), input("b", {1, 4, 5, 7})), "y"));
        } else if (kind == "stridedWeight") {
            // Weights bound as strided host tensors: the graph's views of them carry strides relative to
            // them, so the device must keep their layout.
            const Tensor wt = weightOf(rng, {24, 40}).permute({1, 0});   // [40, 24], strides (1, 40)
            const Tensor wide = weightOf(rng, {40, 30}).slice(1, 3, 27); // [40, 24], row stride 30
            const NodeId x = input("x", {9, 24});
            g.keep(g.name(g.matmul(x, g.permute(g.weight("wt", wt), {1, 0})), "y1"));
            g.keep(g.name(g.linear(x, g.slice(g.weight("wide", wide), 0, 5, 35)), "y2"));
            g.keep(g.name(g.linear(x, g.weight("direct", wt)), "y3"));
        } else {
            g.keep(g.name(g.matmul(input("a", {33, 17}), g.permute(input("b", {65, 17}), {1, 0})), "y"));
        }
        compareOnBackends("matmul", g, in, kF32Reduction);
    }

    void binary_data()
    {
        QTest::addColumn<int>("op");
        QTest::addColumn<QString>("kind");
        for (Op op : {Op::Add, Op::Sub, Op::Mul}) {
            const QString n = opName(op);
            QTest::newRow(qPrintable(n + " 197x768 + bias row")) << int(op) << "row";
            QTest::newRow(qPrintable(n + " broadcast both ways")) << int(op) << "both";
            QTest::newRow(qPrintable(n + " non-contiguous")) << int(op) << "strided";
            QTest::newRow(qPrintable(n + " head mask [1,4,1,1]")) << int(op) << "mask";
        }
    }
    void binary()
    {
        SKIP_UNLESS_SELECTED("binary");
        QFETCH(int, op);
        QFETCH(QString, kind);
        std::mt19937 rng(11);
        Graph g;
        std::map<std::string, Tensor> in;
        auto input = [&](const std::string& name, Shape s) {
            in[name] = randomTensor(rng, s);
            return g.input(name, s);
        };
        NodeId a, b;
        if (kind == "row") {
            a = input("a", {1, 197, 768});
            b = g.weight("b", weightOf(rng, {768}, 2.f));
        } else if (kind == "both") {
            a = input("a", {4, 1, 5});
            b = input("b", {3, 1});
        } else if (kind == "strided") {
            a = g.permute(input("a", {6, 5, 3}), {2, 0, 1});
            b = g.slice(input("b", {3, 6, 10}), 2, 2, 7);
        } else {
            a = input("a", {1, 4, 17, 17});
            b = input("b", {1, 4, 1, 1});
        }
        const Op o = Op(op);
        const NodeId y = o == Op::Add ? g.add(a, b) : o == Op::Sub ? g.sub(a, b) : g.mul(a, b);
        g.keep(g.name(y, "y"));
        compareOnBackends("binary", g, in, kF32Exact);
    }

    void activation_data()
    {
        QTest::addColumn<int>("act");
        for (Activation a : {Activation::GeluErf, Activation::GeluTanh, Activation::QuickGelu,
                             Activation::Relu, Activation::Silu, Activation::Tanh, Activation::Sigmoid})
            QTest::newRow(activationName(a)) << int(a);
    }
    void activation()
    {
        SKIP_UNLESS_SELECTED("activation");
        QFETCH(int, act);
        std::mt19937 rng(3);
        Graph g;
        std::map<std::string, Tensor> in;
        in["x"] = randomTensor(rng, {50, 3072}, -12.f, 12.f);
        in["s"] = randomTensor(rng, {3, 7, 5}, -4.f, 4.f);
        g.keep(g.name(g.activation(g.input("x", {50, 3072}), Activation(act)), "y"));
        g.keep(
            g.name(g.activation(g.permute(g.input("s", {3, 7, 5}), {2, 0, 1}), Activation(act)), "strided"));
        compareOnBackends("activation", g, in, {2e-6, 2e-5});
    }

    void scale()
    {
        // Scaling is a broadcast multiply by a one-element weight (the graph has no separate op).
        SKIP_UNLESS_SELECTED("scale");
        std::mt19937 rng(5);
        Graph g;
        std::map<std::string, Tensor> in{{"x", randomTensor(rng, {197, 768})}};
        g.keep(g.name(
            g.mul(g.input("x", {197, 768}), g.weight("s", Tensor::fromF32({1}, std::vector<float>{0.125f}))),
            "y"));
        compareOnBackends("scale", g, in, kF32Exact);
    }

    void softmax_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("12x197x197 scale 0.125") << "vit";
        QTest::newRow("577 tokens") << "tokens577";
        QTest::newRow("odd 3x5x7 strided") << "odd";
        QTest::newRow("masked with -inf") << "masked";
    }
    void softmax()
    {
        SKIP_UNLESS_SELECTED("softmax");
        QFETCH(QString, kind);
        std::mt19937 rng(13);
        Graph g;
        std::map<std::string, Tensor> in;
        if (kind == "vit") {
            in["x"] = randomTensor(rng, {1, 12, 197, 197}, -20.f, 20.f);
            g.keep(g.name(g.softmax(g.input("x", {1, 12, 197, 197}), 0.125), "y"));
        } else if (kind == "tokens577") {
            in["x"] = randomTensor(rng, {2, 577}, -8.f, 8.f);
            g.keep(g.name(g.softmax(g.input("x", {2, 577})), "y"));
        } else if (kind == "odd") {
            in["x"] = randomTensor(rng, {7, 3, 5});
            g.keep(g.name(g.softmax(g.permute(g.input("x", {7, 3, 5}), {1, 2, 0}), 2.0), "y"));
        } else {
            Tensor x = randomTensor(rng, {3, 9});
            for (int64_t j = 5; j < 9; ++j)
                x.ptr<float>()[j] = -INFINITY; // causal-style mask in row 0
            // All but one masked: exactly one-hot. (A fully masked row is left out: the CPU's vector exp
            // does not return 0 for -inf, so its answer there depends on the row length.)
            for (int64_t j = 0; j < 9; ++j)
                if (j != 4) x.ptr<float>()[18 + j] = -INFINITY;
            in["x"] = x;
            g.keep(g.name(g.softmax(g.input("x", {3, 9})), "y"));
        }
        compareOnBackends("softmax", g, in, kF32Reduction);
    }

    void layernorm_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("197x768") << "vit";
        QTest::newRow("50x768 eps 1e-12") << "tokens50";
        QTest::newRow("odd 3x7x13 strided") << "odd";
    }
    void layernorm()
    {
        SKIP_UNLESS_SELECTED("layernorm");
        QFETCH(QString, kind);
        std::mt19937 rng(17);
        Graph g;
        std::map<std::string, Tensor> in;
        NodeId x;
        int64_t D;
        if (kind == "vit") {
            D = 768;
            in["x"] = randomTensor(rng, {1, 197, D}, -3.f, 5.f);
            x = g.input("x", {1, 197, D});
        } else if (kind == "tokens50") {
            D = 768;
            in["x"] = randomTensor(rng, {50, D});
            x = g.input("x", {50, D});
        } else {
            D = 13;
            in["x"] = randomTensor(rng, {13, 3, 7});
            x = g.permute(g.input("x", {13, 3, 7}), {1, 2, 0});
        }
        const NodeId w = g.weight("w", randomTensor(rng, {D}, 0.5f, 1.5f));
        const NodeId b = g.weight("b", weightOf(rng, {D}, 0.2f));
        g.keep(g.name(g.layerNorm(x, w, b, kind == "tokens50" ? 1e-12 : 1e-5), "y"));
        compareOnBackends("layernorm", g, in, kF32Reduction);
    }

    void copy_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("heads permute 197x12x64") << "heads";
        QTest::newRow("SAM 14x14 window partition of 28x28") << "windows";
        QTest::newRow("slice of the last dim") << "slice";
        QTest::newRow("concat cls + 196 patches") << "concat";
        QTest::newRow("kept view of a computed tensor") << "keptView";
    }
    void copy()
    {
        SKIP_UNLESS_SELECTED("copy");
        QFETCH(QString, kind);
        std::mt19937 rng(19);
        Graph g;
        std::map<std::string, Tensor> in;
        auto input = [&](const std::string& name, Shape s) {
            in[name] = randomTensor(rng, s);
            return g.input(name, s);
        };
        if (kind == "heads") {
            g.keep(g.name(g.cont(g.permute(input("x", {1, 197, 12, 64}), {0, 2, 1, 3})), "y"));
        } else if (kind == "windows") {
            // [1, 28, 28, C] -> [1, 2, 14, 2, 14, C] -> windows [1, 2, 2, 14, 14, C]: a 6-D strided gather.
            const int64_t C = 8;
            const NodeId x = g.reshape(input("x", {1, 28, 28, C}), {1, 2, 14, 2, 14, C});
            g.keep(g.name(g.cont(g.permute(x, {0, 1, 3, 2, 4, 5})), "y"));
        } else if (kind == "slice") {
            g.keep(g.name(g.cont(g.slice(input("x", {5, 9, 11}), 2, 3, 10)), "y"));
        } else if (kind == "concat") {
            g.keep(g.name(g.concat(g.weight("cls", weightOf(rng, {1, 1, 768})), input("p", {1, 196, 768}), 1),
                          "y"));
        } else {
            const NodeId s = g.add(input("x", {6, 4}), input("z", {6, 4}));
            g.keep(g.name(g.permute(s, {1, 0}), "t"));
        }
        compareOnBackends("copy", g, in, kF32Exact);
    }

    void patchEmbed_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("224x224 patch 16 to 768") << "vit";
        QTest::newRow("odd 2x3x32x48 patch 16 to 10, no bias") << "odd";
    }
    void patchEmbed()
    {
        SKIP_UNLESS_SELECTED("patch_embed");
        QFETCH(QString, kind);
        std::mt19937 rng(23);
        Graph g;
        std::map<std::string, Tensor> in;
        const bool vit = kind == "vit";
        const Shape px = vit ? Shape{1, 3, 224, 224} : Shape{2, 3, 32, 48};
        const int64_t D = vit ? 768 : 10;
        in["px"] = randomTensor(rng, px);
        const NodeId w = g.weight("w", weightOf(rng, {D, 3, 16, 16}));
        const NodeId b = vit ? g.weight("b", weightOf(rng, {D})) : NodeId(-1);
        g.keep(g.name(g.patchEmbed(g.input("px", px), w, b, 16), "y"));
        compareOnBackends("patch_embed", g, in, kF32Reduction);
    }

    void bicubic_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("position grid 14x14 to 24x20 by scale factor, strided") << "up";
        QTest::newRow("down 2x3x9x11 to 4x5 by size") << "down";
    }
    void bicubic()
    {
        SKIP_UNLESS_SELECTED("bicubic");
        QFETCH(QString, kind);
        std::mt19937 rng(31);
        Graph g;
        std::map<std::string, Tensor> in;
        if (kind == "up") {
            // As interpolate_pos_encoding: [1, 14, 14, D] permuted to [1, D, 14, 14], scaled by (24 + 0.1)
            // / 14.
            in["x"] = randomTensor(rng, {1, 14, 14, 32});
            const NodeId x = g.permute(g.input("x", {1, 14, 14, 32}), {0, 3, 1, 2});
            g.keep(g.name(g.bicubic(x, 24, 20, 24.1 / 14, 20.1 / 14), "y"));
        } else {
            in["x"] = randomTensor(rng, {2, 3, 9, 11});
            g.keep(g.name(g.bicubic(g.input("x", {2, 3, 9, 11}), 4, 5, 0, 0), "y"));
        }
        compareOnBackends("bicubic", g, in, {1e-5, 1e-5});
    }

    // The golden ViT at another image size (position embeddings interpolated) gives the CPU's answers.
    void vitInterpolated()
    {
        SKIP_UNLESS_SELECTED("vit");
        const VitModel model = VitModel::fromCheckpoint(
            Checkpoint::open(goldenDir(QStringLiteral("vit_classify")).toStdString()));
        std::mt19937 rng(37);
        VitRunOptions o;
        o.interpolatePosEncoding = true;
        const Shape px{1, 3, 96, 80};
        compareOnBackends("vit", model.buildGraph(px, o), {{"pixel_values", randomTensor(rng, px)}},
                          kF32Reduction);
    }

    // The ViT golden case (transformers' outputs) computed entirely on each backend.
    void vitGolden()
    {
        SKIP_UNLESS_SELECTED("vit");
        const QString dir = goldenDir(QStringLiteral("vit_classify"));
        QFile f(dir + "/case.json");
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject tol =
            QJsonDocument::fromJson(f.readAll()).object().value(QLatin1String("tolerances")).toObject();
        auto bound = [&](const char* group) {
            const QJsonObject t = tol.value(QLatin1String(group)).toObject();
            return Bound{t.value(QLatin1String("atol")).toDouble(),
                         t.value(QLatin1String("rtol")).toDouble()};
        };
        const VitModel model = VitModel::fromCheckpoint(Checkpoint::open(dir.toStdString()));
        const SafetensorsFile expected = SafetensorsFile::open((dir + "/expected.safetensors").toStdString());
        auto expect = [&](const std::string& name) {
            const TensorView& v = expected.tensor(name);
            return Tensor::fromF32(v.shape, toF32(v));
        };
        const Tensor px = expect("pixel_values");
        VitRunOptions o;
        o.hiddenStates = true;
        o.attentions = true;
        const Graph g = model.buildGraph(px.shape(), o);
        for (const BackendUnderTest& b : backendsUnderTest()) {
            const DeviceRun r = runOn(*b.device, g, {{"pixel_values", px}});
            const double logits = worstRatio(r.kept.at("logits"), expect("logits"), bound("logits"));
            QVERIFY2(
                logits <= 1.0,
                qPrintable(QString("%1: logits off by %2 of the tolerance").arg(b.name.c_str()).arg(logits)));
            for (int64_t l = 0; l < model.config().numHiddenLayers; ++l) {
                const std::string i = std::to_string(l);
                const double a = worstRatio(r.kept.at("blk." + i + ".attn_probs"), expect("attentions." + i),
                                            bound("attentions"));
                QVERIFY2(
                    a <= 1.0,
                    qPrintable(QString("%1: attentions.%2 off by %3").arg(b.name.c_str()).arg(l).arg(a)));
                const double h =
                    worstRatio(r.kept.at("blk." + i + ".out"),
                               expect("hidden_states." + std::to_string(l + 1)), bound("activations"));
                QVERIFY2(
                    h <= 1.0,
                    qPrintable(
                        QString("%1: hidden_states.%2 off by %3").arg(b.name.c_str()).arg(l + 1).arg(h)));
            }
        }
    }

    // Opt-in (LOUPE_TEST_TIMING=1): the time ratio to the CPU of a ViT-sized GEMM, printed, not asserted.
    void timing()
    {
        SKIP_UNLESS_SELECTED("timing");
        if (qEnvironmentVariableIsEmpty("LOUPE_TEST_TIMING")) QSKIP("set LOUPE_TEST_TIMING=1 to time");
        std::mt19937 rng(29);
        Graph g;
        const NodeId x = g.input("x", {1, 197, 768});
        g.keep(g.name(
            g.linear(x, g.weight("w", weightOf(rng, {768, 768})), g.weight("b", weightOf(rng, {768}))), "y"));
        const std::map<std::string, Tensor> in{{"x", randomTensor(rng, {1, 197, 768})}};
        const double cpu = runOn(cpuDevice(), g, in, 10).ms;
        for (const BackendUnderTest& b : backendsUnderTest()) {
            const double t = runOn(*b.device, g, in, 10).ms;
            qInfo("linear 197x768x768: cpu %.2f ms, %s %.2f ms, ratio %.1fx", cpu, b.name.c_str(), t,
                  t / cpu);
        }
        // LOUPE_TEST_TIMING=vit adds a whole ViT-B/16 forward (slow on lavapipe: tens of seconds), with the
        // largest difference of its logits from the CPU's.
        if (qgetenv("LOUPE_TEST_TIMING") != "vit") return;
        const VitModel vit = randomVitB16(41);
        const Shape px{1, 3, 224, 224};
        const Graph vg = vit.buildGraph(px, {});
        const std::map<std::string, Tensor> vin{{"pixel_values", randomTensor(rng, px)}};
        const DeviceRun vcpu = runOn(cpuDevice(), vg, vin, 3);
        for (const BackendUnderTest& b : backendsUnderTest()) {
            const DeviceRun vb = runOn(*b.device, vg, vin, 2); // the first run uploads the weights
            const std::vector<float> e = vcpu.kept.at("logits").toF32Vector(),
                                     a = vb.kept.at("logits").toF32Vector();
            double diff = 0, scale = 0;
            for (size_t i = 0; i < e.size(); ++i) {
                diff = std::max(diff, std::fabs(double(a[i]) - double(e[i])));
                scale = std::max(scale, std::fabs(double(e[i])));
            }
            qInfo("ViT-B/16 224 batch 1: cpu %.1f ms, %s %.1f ms, ratio %.1fx; logits max |diff| %.2e, max "
                  "|logit| %.2e",
                  vcpu.ms, b.name.c_str(), vb.ms, vb.ms / vcpu.ms, diff, scale);
            QVERIFY(diff <= 1e-3 * std::max(1.0, scale));
        }
    }
};

// Takes -o OP and -b BACKEND out of the arguments (QtTest would read -o as its output file).
int main(int argc, char** argv)
{
    std::vector<char*> rest = takeBackendFilters(argc, argv, g_filters);
    int qargc = 1;
    QCoreApplication app(qargc, argv);
    TestBackendOps t;
    return QTest::qExec(&t, int(rest.size()), rest.data());
}

#include "tst_backend_ops.moc"
