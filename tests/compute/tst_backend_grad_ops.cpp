// SPDX-License-Identifier: MIT
// The backward ops and fused attention on every available backend against the CPU kernels, one case
// per op with the shapes attribution meets (197x768, 50 and 577 tokens, odd sizes, non-contiguous
// views) and an error bound per op. A backend that lacks an op is reported as skipped for it, naming
// both. Filters: -o OP (the op's name: softmax_grad, act_grad, ...) and -b BACKEND, or LOUPE_TEST_OP /
// LOUPE_TEST_BACKEND.
#include "backend_compare.h"
#include "common/testsupport.h"
#include "compute/backend/backend.h"
#include "compute/error.h"
#include "op_reference.h"

#include <QCoreApplication>
#include <QTest>
#include <random>

using namespace loupe::compute;
using namespace loupe::test;

namespace {

BackendFilters g_filters;

// Reductions over long rows run in another order than the CPU's vectorised loops.
constexpr Bound kExact{1e-6, 1e-6};
constexpr Bound kElementwise{1e-5, 1e-4};
constexpr Bound kReduction{1e-4, 1e-4};

// One row per backend under test (or one "none" row that skips, saying why).
void backendRows()
{
    QTest::addColumn<QString>("backend");
    const auto bs = backendsUnderTest(g_filters.backend);
    for (const BackendUnderTest& b : bs)
        QTest::newRow(b.name.c_str()) << QString::fromStdString(b.name);
    if (bs.empty()) QTest::newRow("none") << QString();
}

// Runs `g` on the CPU and on this row's backend and compares every kept tensor within `bound`.
void compare(Op op, const Graph& g, const std::map<std::string, Tensor>& inputs, Bound bound)
{
    QFETCH(QString, backend);
    if (!g_filters.opSelected(opName(op))) QSKIP("filtered out by -o");
    if (backend.isEmpty()) QSKIP(qPrintable(noBackendMessage()));
    Device* device = nullptr;
    for (const BackendUnderTest& b : backendsUnderTest(g_filters.backend))
        if (QString::fromStdString(b.name) == backend) device = b.device;
    QVERIFY(device);
    for (const Node& n : g.nodes())
        if (!device->supportsOp(n))
            QSKIP(qPrintable(
                QString("%1 is not supported on %2 yet (%3 node)").arg(opName(op), backend, opName(n.op))));
    const DeviceRun ref = runOn(cpuDevice(), g, inputs);
    QVERIFY(!ref.kept.empty());
    const DeviceRun got = runOn(*device, g, inputs);
    for (const auto& [name, expected] : ref.kept) {
        QVERIFY2(got.kept.count(name), qPrintable(QString("%1: %2 missing").arg(backend, name.c_str())));
        const Tensor& actual = got.kept.at(name);
        QCOMPARE(actual.shape(), expected.shape());
        QString where;
        const double r = worstRatio(actual, expected, bound, &where);
        QVERIFY2(r <= 1.0, qPrintable(QString("%1 on %2: %3 off by %4 of the bound at %5")
                                          .arg(opName(op), backend, name.c_str())
                                          .arg(r)
                                          .arg(where)));
    }
}

NodeId out(Graph& g, NodeId id, const std::string& name)
{
    g.keep(g.name(id, name));
    return id;
}

} // namespace

class TestBackendGradOps : public QObject
{
    Q_OBJECT

private slots:
    void softmaxGrad_data() { backendRows(); }
    void softmaxGrad()
    {
        std::mt19937 rng(1);
        Graph g;
        std::map<std::string, Tensor> in;
        // 197 tokens of ViT-B/16 (rows of 197) and 577 of ViT-B/16 at 384, a strided y, an odd row.
        for (const auto& [tag, shape] : std::vector<std::pair<std::string, Shape>>{
                 {"vit", {1, 2, 197, 197}}, {"vit384", {1, 1, 577, 577}}, {"odd", {3, 5, 33}}}) {
            const NodeId x = g.input(tag + ".x", shape);
            const NodeId y = g.softmax(x, 0.125);
            const NodeId gy = g.input(tag + ".gy", shape);
            in[tag + ".x"] = randomTensor(rng, shape, -4, 4);
            in[tag + ".gy"] = randomTensor(rng, shape);
            out(g, g.softmaxGrad(y, gy, 0.125), tag);
        }
        const NodeId x = g.input("t.x", {50, 7});
        in["t.x"] = randomTensor(rng, {50, 7});
        in["t.gy"] = randomTensor(rng, {50, 7});
        const NodeId y = g.softmax(g.cont(g.permute(x, {1, 0})), 1.0);
        out(g, g.softmaxGrad(y, g.permute(g.input("t.gy", {50, 7}), {1, 0}), 1.0), "strided");
        compare(Op::SoftmaxGrad, g, in, kReduction);
    }

    void layerNormGrad_data() { backendRows(); }
    void layerNormGrad()
    {
        std::mt19937 rng(2);
        Graph g;
        std::map<std::string, Tensor> in;
        for (const auto& [tag, shape, weighted] : std::vector<std::tuple<std::string, Shape, bool>>{
                 {"vit", {1, 197, 768}, true}, {"clip", {1, 50, 768}, false}, {"odd", {3, 7, 33}, true}}) {
            const int64_t d = shape.back();
            in[tag + ".x"] = randomTensor(rng, shape, -3, 3);
            in[tag + ".gy"] = randomTensor(rng, shape);
            const NodeId w = weighted ? g.weight(tag + ".w", randomTensor(rng, {d})) : -1;
            out(g, g.layerNormGrad(g.input(tag + ".x", shape), w, g.input(tag + ".gy", shape), 1e-5), tag);
        }
        // x as a non-contiguous view
        in["t.x"] = randomTensor(rng, {64, 9});
        in["t.gy"] = randomTensor(rng, {9, 64});
        out(g,
            g.layerNormGrad(g.permute(g.input("t.x", {64, 9}), {1, 0}), -1, g.input("t.gy", {9, 64}), 1e-6),
            "strided");
        compare(Op::LayerNormGrad, g, in, kReduction);
    }

    void actGrad_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<int>("act");
        const auto bs = backendsUnderTest(g_filters.backend);
        for (Activation a :
             {Activation::None, Activation::GeluErf, Activation::GeluTanh, Activation::QuickGelu,
              Activation::Silu, Activation::Relu, Activation::Tanh, Activation::Sigmoid}) {
            for (const BackendUnderTest& b : bs)
                QTest::newRow(qPrintable(QString("%1@%2").arg(activationName(a), b.name.c_str())))
                    << QString::fromStdString(b.name) << int(a);
            if (bs.empty()) QTest::newRow(activationName(a)) << QString() << int(a);
        }
    }
    void actGrad()
    {
        QFETCH(int, act);
        std::mt19937 rng(3);
        Graph g;
        std::map<std::string, Tensor> in;
        in["z"] = randomTensor(rng, {1, 197, 768}, -5, 5);
        in["gy"] = randomTensor(rng, {1, 197, 768});
        out(g, g.actGrad(g.input("z", {1, 197, 768}), g.input("gy", {1, 197, 768}), Activation(act)), "vit");
        in["zs"] = randomTensor(rng, {31, 17}, -5, 5);
        in["gys"] = randomTensor(rng, {17, 31});
        out(g,
            g.actGrad(g.permute(g.input("zs", {31, 17}), {1, 0}), g.input("gys", {17, 31}), Activation(act)),
            "strided");
        compare(Op::ActGrad, g, in, kElementwise);
    }

    void bicubicGrad_data() { backendRows(); }
    void bicubicGrad()
    {
        std::mt19937 rng(4);
        Graph g;
        std::map<std::string, Tensor> in;
        // ViT position embeddings 14x14 -> 24x24 (384 px), and an odd shrinking case.
        in["pos"] = randomTensor(rng, {1, 64, 24, 24});
        out(g, g.bicubicGrad(g.input("pos", {1, 64, 24, 24}), 14, 14, 24.0 / 14, 24.0 / 14), "pos");
        in["odd"] = randomTensor(rng, {2, 3, 5, 6});
        out(g, g.bicubicGrad(g.input("odd", {2, 3, 5, 6}), 9, 7, 0, 0), "odd");
        compare(Op::BicubicGrad, g, in, kReduction);
    }

    void col2im_data() { backendRows(); }
    void col2im()
    {
        std::mt19937 rng(5);
        Graph g;
        std::map<std::string, Tensor> in;
        in["vit"] = randomTensor(rng, {1, 196, 768});
        out(g, g.col2im(g.input("vit", {1, 196, 768}), {1, 3, 224, 224}, 16), "vit");
        // The image is not a whole number of patches: the edge pixels get zero.
        in["odd"] = randomTensor(rng, {2, 4, 75});
        out(g, g.col2im(g.input("odd", {2, 4, 75}), {2, 3, 11, 13}, 5), "odd");
        compare(Op::Col2Im, g, in, kExact);
    }

    void sumTo_data() { backendRows(); }
    void sumTo()
    {
        std::mt19937 rng(6);
        Graph g;
        std::map<std::string, Tensor> in;
        in["bias"] = randomTensor(rng, {2, 197, 768});
        out(g, g.sumTo(g.input("bias", {2, 197, 768}), {768}), "bias");
        in["mid"] = randomTensor(rng, {4, 50, 50});
        out(g, g.sumTo(g.input("mid", {4, 50, 50}), {4, 1, 50}), "mid");
        in["t"] = randomTensor(rng, {33, 6});
        out(g, g.sumTo(g.permute(g.input("t", {33, 6}), {1, 0}), {6, 1}), "strided");
        compare(Op::SumTo, g, in, kReduction);
    }

    void embed_data() { backendRows(); }
    void embed()
    {
        std::mt19937 rng(7);
        Graph g;
        std::map<std::string, Tensor> in;
        // q's gradient placed in a qkv projection [1, 197, 3 * 768]; zero padding; a strided source.
        in["q"] = randomTensor(rng, {1, 197, 768});
        out(g, g.embed(g.input("q", {1, 197, 768}), {1, 197, 2304}, {197 * 2304, 2304, 1}, 768), "qkv");
        in["p"] = randomTensor(rng, {1, 3, 14, 14});
        out(g, g.pad(g.input("p", {1, 3, 14, 14}), {0, 0, 1, 2}, {0, 0, 3, 0}), "pad");
        in["s"] = randomTensor(rng, {5, 7});
        out(g, g.embed(g.permute(g.input("s", {5, 7}), {1, 0}), {9, 6}, {6, 1}, 7), "strided");
        compare(Op::Embed, g, in, kExact);
    }

    void attention_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<bool>("bias");
        const auto bs = backendsUnderTest(g_filters.backend);
        for (bool bias : {false, true}) {
            for (const BackendUnderTest& b : bs)
                QTest::newRow(qPrintable(QString("%1@%2").arg(bias ? "bias" : "plain", b.name.c_str())))
                    << QString::fromStdString(b.name) << bias;
            if (bs.empty()) QTest::newRow(bias ? "bias" : "plain") << QString() << bias;
        }
    }
    void attention()
    {
        QFETCH(bool, bias);
        std::mt19937 rng(8);
        Graph g;
        std::map<std::string, Tensor> in;
        // q, k, v as strided views of one ViT qkv projection [1, 197, 3, H, D], heads permuted out.
        auto selfAttention = [&](const std::string& tag, int64_t N, int64_t H, int64_t D) {
            in[tag] = randomTensor(rng, {1, N, 3, H, D});
            const NodeId qkv = g.input(tag, {1, N, 3, H, D});
            auto part = [&](int64_t i) {
                return g.permute(g.reshape(g.slice(qkv, 2, i, i + 1), {1, N, H, D}), {0, 2, 1, 3});
            };
            NodeId b = -1;
            if (bias) {
                in[tag + ".bias"] = randomTensor(rng, {1, 1, N, N});
                b = g.input(tag + ".bias", {1, 1, N, N});
            }
            out(g, g.attention(part(0), part(1), part(2), b, 1.0 / std::sqrt(double(D))), tag);
        };
        selfAttention("vit", 197, 2, 64);
        selfAttention("vit384", 577, 1, 32);
        // Cross-attention: 50 queries over 197 keys, value width unlike the key width, per-head bias.
        in["cq"] = randomTensor(rng, {1, 3, 50, 16});
        in["ck"] = randomTensor(rng, {1, 3, 197, 16});
        in["cv"] = randomTensor(rng, {1, 3, 197, 24});
        NodeId cb = -1;
        if (bias) {
            in["cb"] = randomTensor(rng, {3, 1, 197});
            cb = g.input("cb", {3, 1, 197});
        }
        out(g,
            g.attention(g.input("cq", {1, 3, 50, 16}), g.input("ck", {1, 3, 197, 16}),
                        g.input("cv", {1, 3, 197, 24}), cb, 0.25),
            "cross");
        compare(Op::Attention, g, in, kReduction);
    }
};

int main(int argc, char** argv)
{
    std::vector<char*> rest = takeBackendFilters(argc, argv, g_filters);
    int qargc = 1;
    QCoreApplication app(qargc, argv);
    TestBackendGradOps t;
    return QTest::qExec(&t, int(rest.size()), rest.data());
}

#include "tst_backend_grad_ops.moc"
