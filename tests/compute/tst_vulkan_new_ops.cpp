// SPDX-License-Identifier: MIT
// The Vulkan kernels of fused attention and the backward ops (SoftmaxGrad, LayerNormGrad, ActGrad,
// BicubicGrad, Col2Im, SumTo, Embed) against the CPU backend, with the shapes the models use (197x768,
// 50 and 577 tokens), odd sizes and strided views. Where the CPU kernel of a backward op is not built
// yet, the autograd kernels it is built from (compute/autograd/backward_kernels.h) are the reference.
// LOUPE_TEST_TIMING=1 prints lavapipe's and the CPU's time for ViT-B attention (197 tokens x 12 heads).
#include "compute/autograd/backward.h"
#include "compute/autograd/backward_kernels.h"
#include "compute/backend/backend.h"
#include "compute/backend/vulkan/vulkan_devices.h"
#include "compute/error.h"
#include "compute/graph/planner.h"
#include "op_reference.h"

#include <QTest>
#include <chrono>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>

using namespace loupe::compute;
using namespace loupe::test;

namespace {

struct Bound
{
    double atol, rtol;
};
constexpr Bound kElementwise{1e-5, 1e-5};
constexpr Bound kReduction{1e-4, 1e-4};

using Inputs = std::map<std::string, Tensor>;

struct Run
{
    std::map<std::string, Tensor> kept;
    double ms = 0;
};

Run runOn(Device& d, const Graph& g, const Inputs& inputs, int repeats = 1)
{
    const MemoryPlan plan = planMemory(g);
    auto arena = d.bufferType().allocate(std::max<size_t>(plan.arenaBytes, 64));
    auto backend = d.createBackend();
    Run r;
    for (int i = 0; i < repeats; ++i) {
        GraphRun run;
        run.inputs = inputs;
        const auto t0 = std::chrono::steady_clock::now();
        backend->compute(g, plan, *arena, run);
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        r.ms = i == 0 ? ms : std::min(r.ms, ms); // the fastest: the machine is shared
        r.kept = std::move(run.kept);
    }
    return r;
}

// Worst |a - e| / (atol + rtol |e|); NaN on both sides agrees (an all -inf attention row).
double worstRatio(const Tensor& actual, const Tensor& expected, Bound b, QString& where)
{
    const std::vector<float> a = actual.toF32Vector(), e = expected.toF32Vector();
    double worst = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        if (std::isnan(e[i]) && std::isnan(a[i])) continue;
        double r = std::fabs(double(a[i]) - double(e[i])) / (b.atol + b.rtol * std::fabs(double(e[i])));
        if (std::isnan(r)) r = std::numeric_limits<double>::infinity();
        if (r > worst || i == 0) {
            worst = std::max(worst, r);
            where = QString("element %1: %2, reference %3").arg(i).arg(a[i]).arg(e[i]);
        }
    }
    return worst;
}

#define SKIP_WITHOUT_VULKAN()                                                                                \
    do {                                                                                                     \
        if (!vulkanDevice())                                                                                 \
            QSKIP(qPrintable(QString("no Vulkan device: %1").arg(QString::fromStdString(vulkanStatus()))));  \
    } while (0)

// The CPU backend's answer for the graph's one kept node "out"; `fallback` computes it where the CPU
// kernel is not built yet.
Tensor cpuReference(const Graph& g, const Inputs& inputs, const std::function<Tensor()>& fallback)
{
    try {
        return runOn(cpuDevice(), g, inputs).kept.at("out");
    } catch (const Error& e) {
        if (!fallback || std::string(e.what()).find("not built yet") == std::string::npos) throw;
        qInfo("CPU kernel not built yet (%s): the autograd kernel is the reference", e.what());
        return fallback();
    }
}

void compare(const Graph& g, const Inputs& inputs, Bound bound, const std::function<Tensor()>& fallback = {})
{
    Device* v = vulkanDevice();
    for (const Node& n : g.nodes())
        QVERIFY2(v->supportsOp(n), qPrintable(QString("Vulkan does not support %1").arg(opName(n.op))));
    const Tensor expected = cpuReference(g, inputs, fallback);
    const Tensor actual = runOn(*v, g, inputs).kept.at("out");
    QCOMPARE(actual.shape(), expected.shape());
    QString where;
    const double r = worstRatio(actual, expected, bound, where);
    QVERIFY2(r <= 1.0, qPrintable(QString("off by %1 of the bound at %2").arg(r).arg(where)));
}

NodeId output(Graph& g, NodeId x)
{
    g.name(x, "out");
    g.keep(x);
    return x;
}

Tensor packedF32(const Shape& s)
{
    return Tensor::zeros(DType::F32, s);
}

// q, k, v as the models make them: strided views of one [B, T, 3, H, D] projection.
struct Qkv
{
    NodeId q, k, v;
};

Qkv qkvViews(Graph& g, NodeId qkv)
{
    auto head = [&](int64_t i) {
        const NodeId s = g.slice(qkv, 2, i, i + 1); // [B, T, 1, H, D]
        const Shape& sh = g.node(s).shape;
        return g.permute(g.asStrided(s, {sh[0], sh[1], sh[3], sh[4]},
                                     {g.node(s).strides[0], g.node(s).strides[1], g.node(s).strides[3],
                                      g.node(s).strides[4]},
                                     0),
                         {0, 2, 1, 3});
    };
    return {head(0), head(1), head(2)};
}

} // namespace

class TestVulkanNewOps : public QObject
{
    Q_OBJECT

private slots:
    void attention_data()
    {
        QTest::addColumn<int>("B");
        QTest::addColumn<int>("H");
        QTest::addColumn<int>("T");
        QTest::addColumn<int>("D");
        QTest::addColumn<bool>("bias");
        QTest::newRow("ViT-B 197 tokens x 12 heads x 64, strided qkv") << 1 << 12 << 197 << 64 << false;
        QTest::newRow("CLIP 50 tokens, 2 images, causal bias") << 2 << 8 << 50 << 64 << true;
        QTest::newRow("577 tokens x 2 heads") << 1 << 2 << 577 << 64 << false;
        QTest::newRow("odd: 7 tokens, head dim 5, bias") << 1 << 3 << 7 << 5 << true;
        QTest::newRow("head dim 130 (three query slices)") << 1 << 2 << 33 << 130 << false;
    }

    void attention()
    {
        SKIP_WITHOUT_VULKAN();
        QFETCH(int, B);
        QFETCH(int, H);
        QFETCH(int, T);
        QFETCH(int, D);
        QFETCH(bool, bias);
        std::mt19937 rng(uint32_t(T * 31 + D));
        Graph g;
        const NodeId qkv = g.input("qkv", {B, T, 3, H, D});
        const Qkv h = qkvViews(g, qkv);
        Inputs in{{"qkv", randomTensor(rng, {B, T, 3, H, D})}};
        NodeId biasNode = -1;
        if (bias) {
            // [H, T, T] broadcast over the batch (stride 0), a causal -inf mask plus a per-head term.
            Tensor b = randomTensor(rng, {H, T, T}, -1.f, 1.f);
            float* p = b.ptr<float>();
            for (int hh = 0; hh < H; ++hh)
                for (int m = 0; m < T; ++m)
                    for (int n = m + 1; n < T; ++n)
                        p[(hh * T + m) * T + n] = -std::numeric_limits<float>::infinity();
            in["bias"] = b;
            biasNode = g.input("bias", {H, T, T});
        }
        output(g, g.attention(h.q, h.k, h.v, biasNode, 1.0 / std::sqrt(double(D))));
        compare(g, in, kReduction);
    }

    void attentionWideValues()
    {
        // Dv = 300 spans five output slices (64 columns per workgroup); k and v have 70 keys.
        SKIP_WITHOUT_VULKAN();
        std::mt19937 rng(5);
        Graph g;
        const NodeId q = g.input("q", {1, 2, 9, 16}), k = g.input("k", {1, 2, 70, 16});
        const NodeId v = g.permute(g.input("vt", {1, 2, 300, 70}), {0, 1, 3, 2});
        const NodeId bias = g.input("bias", {9, 1}); // broadcast over heads and keys
        output(g, g.attention(q, k, v, bias, 0.3));
        compare(g,
                {{"q", randomTensor(rng, {1, 2, 9, 16})},
                 {"k", randomTensor(rng, {1, 2, 70, 16})},
                 {"vt", randomTensor(rng, {1, 2, 300, 70})},
                 {"bias", randomTensor(rng, {9, 1})}},
                kReduction);
    }

    void refusesWhatItCannotDispatch()
    {
        // Sent to the CPU by the scheduler rather than failing on the device.
        SKIP_WITHOUT_VULKAN();
        Node att;
        att.op = Op::Attention;
        att.shape = {300, 300, 4, 8}; // 90000 (batch, head) pairs: more than one dispatch dimension
        QVERIFY(!vulkanDevice()->supportsOp(att));
        att.shape = {64, 12, 197, 64};
        QVERIFY(vulkanDevice()->supportsOp(att));
        Node pad;
        pad.op = Op::Embed;
        pad.shape = {2, 2, 2, 2, 2, 2};
        pad.aux = contiguousStrides(pad.shape);
        QVERIFY(!vulkanDevice()->supportsOp(pad));
    }

    void attentionMaskedRow()
    {
        // A query row whose every key is masked: softmax of all -inf, NaN as the Softmax op gives.
        SKIP_WITHOUT_VULKAN();
        std::mt19937 rng(13);
        Graph g;
        const Shape s{1, 2, 5, 8};
        const NodeId q = g.input("q", s), k = g.input("k", s), v = g.input("v", s);
        output(g, g.attention(q, k, v, g.input("mask", {5, 5}), 0.5));
        Tensor mask = Tensor::zeros(DType::F32, {5, 5});
        for (int n = 0; n < 5; ++n)
            mask.ptr<float>()[2 * 5 + n] = -std::numeric_limits<float>::infinity();
        const Inputs in{{"q", randomTensor(rng, s)},
                        {"k", randomTensor(rng, s)},
                        {"v", randomTensor(rng, s)},
                        {"mask", mask}};
        compare(g, in, kReduction);
        const Tensor got = runOn(*vulkanDevice(), g, in).kept.at("out");
        QVERIFY(std::isnan(got.itemF32({0, 1, 2, 3})));
        QVERIFY(std::isfinite(got.itemF32({0, 1, 1, 3})));
    }

    void attentionTiming()
    {
        SKIP_WITHOUT_VULKAN();
        if (!qEnvironmentVariableIsSet("LOUPE_TEST_TIMING")) QSKIP("LOUPE_TEST_TIMING is not set");
        std::mt19937 rng(7);
        Graph g;
        const Qkv h = qkvViews(g, g.input("qkv", {1, 197, 3, 12, 64}));
        output(g, g.attention(h.q, h.k, h.v, -1, 0.125));
        const Inputs in{{"qkv", randomTensor(rng, {1, 197, 3, 12, 64})}};
        // The unfused chain (MatMul, Softmax, MatMul) the fused op replaces, on the same device.
        Graph chain;
        const Qkv c = qkvViews(chain, chain.input("qkv", {1, 197, 3, 12, 64}));
        const NodeId probs = chain.softmax(chain.matmul(c.q, chain.permute(c.k, {0, 1, 3, 2})), 0.125);
        output(chain, chain.matmul(probs, c.v));
        const Run cpu = runOn(cpuDevice(), g, in, 5), vk = runOn(*vulkanDevice(), g, in, 5),
                  vkChain = runOn(*vulkanDevice(), chain, in, 5);
        qInfo("attention 197 tokens x 12 heads x 64: CPU %.2f ms, %s %.2f ms fused (%.1fx the CPU's time), "
              "%.2f ms as MatMul-Softmax-MatMul",
              cpu.ms, vulkanDevice()->description().c_str(), vk.ms, vk.ms / cpu.ms, vkChain.ms);
        QString where;
        QVERIFY(worstRatio(vk.kept.at("out"), vkChain.kept.at("out"), kReduction, where) <= 1.0);
    }

    void softmaxGrad_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("attention probabilities 12 x 197 x 197") << "vit";
        QTest::newRow("odd 5 x 13, strided gy, scale 0.5") << "odd";
    }

    void softmaxGrad()
    {
        SKIP_WITHOUT_VULKAN();
        QFETCH(QString, kind);
        std::mt19937 rng(11);
        const Shape s = kind == "vit" ? Shape{12, 197, 197} : Shape{5, 13};
        const float scale = kind == "vit" ? 1.f : 0.5f;
        const Tensor x = randomTensor(rng, s), gy = randomTensor(rng, s);
        Tensor y;
        {
            Graph fwd;
            output(fwd, fwd.softmax(fwd.input("x", s), scale));
            y = runOn(cpuDevice(), fwd, {{"x", x}}).kept.at("out");
        }
        Graph g;
        const NodeId gyNode = kind == "odd" ? g.permute(g.input("gyT", {13, 5}), {1, 0}) : g.input("gy", s);
        output(g, g.softmaxGrad(g.input("y", s), gyNode, scale));
        const Inputs in = kind == "odd" ? Inputs{{"y", y}, {"gyT", gy.permute({1, 0}).contiguous()}}
                                        : Inputs{{"y", y}, {"gy", gy}};
        compare(g, in, kReduction, [&] {
            Tensor out = packedF32(s);
            const Tensor gyc = gy.contiguous();
            autograd::softmaxBackward(y.ptr<float>(), gyc.ptr<float>(), out.ptr<float>(),
                                      shapeNumel(s) / s.back(), s.back(), scale);
            return out;
        });
    }

    void layerNormGrad_data()
    {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("cols");
        QTest::addColumn<bool>("weight");
        QTest::newRow("197 x 768 with weight") << 197 << 768 << true;
        QTest::newRow("50 x 768 without weight") << 50 << 768 << false;
        QTest::newRow("odd 3 x 7 with weight") << 3 << 7 << true;
    }

    void layerNormGrad()
    {
        SKIP_WITHOUT_VULKAN();
        QFETCH(int, rows);
        QFETCH(int, cols);
        QFETCH(bool, weight);
        std::mt19937 rng(uint32_t(rows + cols));
        const Tensor x = randomTensor(rng, {rows, cols}, -3.f, 5.f), gy = randomTensor(rng, {rows, cols});
        const Tensor w = randomTensor(rng, {cols}, 0.5f, 1.5f);
        Graph g;
        const NodeId wn = weight ? g.input("w", {cols}) : -1;
        output(g, g.layerNormGrad(g.input("x", {rows, cols}), wn, g.input("gy", {rows, cols}), 1e-6));
        Inputs in{{"x", x}, {"gy", gy}};
        if (weight) in["w"] = w;
        compare(g, in, kReduction, [&] {
            Tensor out = packedF32({rows, cols});
            autograd::layerNormBackward(x.ptr<float>(), weight ? w.ptr<float>() : nullptr, gy.ptr<float>(),
                                        out.ptr<float>(), rows, cols, 1e-6);
            return out;
        });
    }

    void actGrad_data()
    {
        QTest::addColumn<int>("act");
        for (int a = int(Activation::None); a <= int(Activation::Sigmoid); ++a)
            QTest::newRow(activationName(Activation(a))) << a;
    }

    void actGrad()
    {
        SKIP_WITHOUT_VULKAN();
        QFETCH(int, act);
        std::mt19937 rng(uint32_t(act + 3));
        const Shape s{197, 768};
        const Tensor z = randomTensor(rng, s, -6.f, 6.f), gy = randomTensor(rng, s);
        Graph g;
        output(g, g.actGrad(g.input("z", s), g.input("gy", s), Activation(act)));
        compare(g, {{"z", z}, {"gy", gy}}, kElementwise, [&] {
            Tensor out = packedF32(s);
            autograd::activationBackward(Activation(act), z.ptr<float>(), gy.ptr<float>(), out.ptr<float>(),
                                         z.numel());
            return out;
        });
        // And the double-precision derivative, so both kernels answer to the maths.
        const Tensor got = runOn(*vulkanDevice(), g, {{"z", z}, {"gy", gy}}).kept.at("out");
        for (int64_t i = 0; i < z.numel(); i += 97) {
            const double zi = z.ptr<float>()[i],
                         e = double(gy.ptr<float>()[i]) * activationDerivative(Activation(act), zi);
            QVERIFY2(std::fabs(got.ptr<float>()[i] - e) <= 1e-5 + 1e-4 * std::fabs(e),
                     qPrintable(QString("z %1: %2, exact %3").arg(zi).arg(got.ptr<float>()[i]).arg(e)));
        }
    }

    void bicubicGrad_data()
    {
        QTest::addColumn<Shape>("in");
        QTest::addColumn<Shape>("out");
        QTest::addColumn<double>("scale");
        QTest::newRow("14x14 position grid up to 37x37") << Shape{1, 3, 14, 14} << Shape{1, 3, 37, 37} << 0.0;
        QTest::newRow("24x31 down to 7x9") << Shape{2, 2, 24, 31} << Shape{2, 2, 7, 9} << 0.0;
        QTest::newRow("scale factor 2, 5x3 to 10x6") << Shape{1, 1, 5, 3} << Shape{1, 1, 10, 6} << 2.0;
        QTest::newRow("1x1 to 4x4 (every tap clamped)") << Shape{1, 2, 1, 1} << Shape{1, 2, 4, 4} << 0.0;
        QTest::newRow("224x224 down to 14x14 (16x)") << Shape{1, 1, 224, 224} << Shape{1, 1, 14, 14} << 0.0;
        QTest::newRow("4x5 up to 64x80 (16x)") << Shape{1, 1, 4, 5} << Shape{1, 1, 64, 80} << 0.0;
    }

    void bicubicGrad()
    {
        SKIP_WITHOUT_VULKAN();
        QFETCH(Shape, in);
        QFETCH(Shape, out);
        QFETCH(double, scale);
        std::mt19937 rng(17);
        const Tensor gy = randomTensor(rng, out);
        Graph g;
        output(g, g.bicubicGrad(g.input("gy", out), in[2], in[3], scale, scale));
        compare(g, {{"gy", gy}}, kReduction, [&] {
            Tensor o = packedF32(in);
            autograd::bicubicBackward(gy.ptr<float>(), o.ptr<float>(), in[0] * in[1], in[2], in[3], out[2],
                                      out[3], scale, scale);
            return o;
        });
    }

    void col2im_data()
    {
        QTest::addColumn<Shape>("image");
        QTest::addColumn<int>("patch");
        QTest::newRow("ViT-B/16 2 x 3 x 224 x 224") << Shape{2, 3, 224, 224} << 16;
        QTest::newRow("odd 1 x 2 x 10 x 11, patch 3 (edge pixels get 0)") << Shape{1, 2, 10, 11} << 3;
    }

    void col2im()
    {
        SKIP_WITHOUT_VULKAN();
        QFETCH(Shape, image);
        QFETCH(int, patch);
        const int64_t gh = image[2] / patch, gw = image[3] / patch, K = image[1] * patch * patch;
        std::mt19937 rng(19);
        const Shape cols{image[0], gh * gw, K};
        const Tensor gc = randomTensor(rng, cols);
        Graph g;
        output(g, g.col2im(g.input("gc", cols), image, patch));
        compare(g, {{"gc", gc}}, kElementwise, [&] {
            Tensor o = packedF32(image);
            autograd::col2im(gc.ptr<float>(), o.ptr<float>(), image[0], image[1], image[2], image[3], patch);
            return o;
        });
    }

    void sumTo_data()
    {
        QTest::addColumn<Shape>("x");
        QTest::addColumn<Shape>("to");
        QTest::addColumn<bool>("strided");
        QTest::newRow("bias gradient 197 x 768 -> 768") << Shape{197, 768} << Shape{768} << false;
        QTest::newRow("2 x 197 x 768 -> 1 x 1 x 768") << Shape{2, 197, 768} << Shape{1, 1, 768} << false;
        QTest::newRow("everything: 197 x 768 -> 1") << Shape{197, 768} << Shape{1} << false;
        QTest::newRow("middle dim 4 x 5 x 6 -> 4 x 1 x 6, strided x")
            << Shape{4, 5, 6} << Shape{4, 1, 6} << true;
        QTest::newRow("leading and inner, 3 x 7 x 300 x 2 -> 7 x 1 x 2")
            << Shape{3, 7, 300, 2} << Shape{7, 1, 2} << false;
    }

    void sumTo()
    {
        SKIP_WITHOUT_VULKAN();
        QFETCH(Shape, x);
        QFETCH(Shape, to);
        QFETCH(bool, strided);
        std::mt19937 rng(23);
        Graph g;
        NodeId xn;
        Tensor xv = randomTensor(rng, x);
        Inputs in;
        if (strided) {
            // x stored as [6, 5, 4] and seen permuted
            xn = g.permute(g.input("xs", {x[2], x[1], x[0]}), {2, 1, 0});
            in["xs"] = xv.permute({2, 1, 0}).contiguous();
        } else {
            xn = g.input("x", x);
            in["x"] = xv;
        }
        output(g, g.sumTo(xn, to));
        compare(g, in, kReduction);
        // Fixed summation order: the same bits on every run.
        const Tensor a = runOn(*vulkanDevice(), g, in).kept.at("out"),
                     b = runOn(*vulkanDevice(), g, in).kept.at("out");
        QCOMPARE(std::memcmp(a.data(), b.data(), a.nbytes()), 0);
    }

    void embed_data()
    {
        QTest::addColumn<bool>("strided");
        QTest::newRow("zero padding of 1 x 768 x 14 x 14 (SAM's windows)") << false;
        QTest::newRow("odd 2 x 3 x 5, permuted x") << true;
    }

    void embed()
    {
        SKIP_WITHOUT_VULKAN();
        QFETCH(bool, strided);
        std::mt19937 rng(29);
        Graph g;
        Inputs in;
        if (!strided) {
            const Shape s{1, 768, 14, 14};
            in["x"] = randomTensor(rng, s);
            output(g, g.pad(g.input("x", s), {0, 0, 0, 0}, {0, 0, 2, 2}));
        } else {
            in["xs"] = randomTensor(rng, {5, 3, 2});
            const NodeId x = g.permute(g.input("xs", {5, 3, 2}), {2, 1, 0});
            output(g, g.pad(x, {1, 0, 2}, {0, 3, 1}));
        }
        compare(g, in, kElementwise);
    }
};

QTEST_GUILESS_MAIN(TestVulkanNewOps)
#include "tst_vulkan_new_ops.moc"
