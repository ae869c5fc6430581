// SPDX-License-Identifier: MIT
// The fused-attention graph pass: which chains it fuses (nobody observes or differentiates the
// probabilities, the device runs Attention), that fused graphs give the unfused numbers (a random
// ViT-B/16, the golden ViT and CLIP cases), and that attribution observing probabilities keeps them.
#include "backend_compare.h"
#include "common/golden.h"
#include "common/testsupport.h"
#include "compute/attribution/attention_maps.h"
#include "compute/backend/backend.h"
#include "compute/backend/profiler.h"
#include "compute/backend/vulkan/vulkan_devices.h"
#include "compute/engine_options.h"
#include "compute/graph/fuse_attention.h"
#include "compute/graph/graph_cache.h"
#include "compute/graph/planner.h"
#include "compute/io/checkpoint.h"
#include "compute/io/safetensors.h"
#include "compute/models/clip.h"
#include "compute/models/gpt2.h"
#include "compute/models/vit.h"
#include "compute/models/vit_benchmark.h"
#include "op_reference.h"

#include <QTest>
#include <cmath>
#include <cstdlib>
#include <limits>

using namespace loupe;
using namespace loupe::compute;
using namespace loupe::test;

namespace {

const auto anyDevice = [](const Node&) { return true; };

// The CPU standing in for a GPU whose supportsOp says yes to Attention (or not), so compileGraph
// plans for a device other than the CPU.
class FusingDevice : public Device
{
public:
    explicit FusingDevice(bool attention) : attention_(attention) {}
    std::string name() const override { return "fusing-test"; }
    std::string description() const override { return "the CPU behind a device that runs Attention"; }
    DeviceKind kind() const override { return cpuDevice().kind(); }
    const BufferType& bufferType() const override { return cpuDevice().bufferType(); }
    bool supportsOp(const Node& n) const override { return attention_ || n.op != Op::Attention; }
    std::unique_ptr<Backend> createBackend() override { return cpuDevice().createBackend(); }

private:
    bool attention_;
};

std::map<std::string, Tensor> runCpu(const Graph& g, const std::map<std::string, Tensor>& inputs)
{
    return loupe::test::runOn(cpuDevice(), g, inputs).kept;
}

int countOp(const Graph& g, Op op)
{
    int n = 0;
    for (const Node& node : g.nodes())
        n += node.op == op;
    return n;
}

double maxDiff(const Tensor& a, const Tensor& b)
{
    const std::vector<float> x = a.toF32Vector(), y = b.toF32Vector();
    if (x.size() != y.size()) return INFINITY;
    double worst = 0;
    for (size_t i = 0; i < x.size(); ++i)
        worst = std::max(worst, std::fabs(double(x[i]) - double(y[i])));
    return worst;
}

struct BlockOptions
{
    bool mask = false;         // an additive causal-style mask [1, 1, N, N]
    bool maskFirst = false;    // Add(mask, scores) instead of Add(scores, mask)
    bool contKey = false;      // k^T as a packed copy of the transposed view (a Cont under the product)
    bool rank3 = false;        // heads folded into the batch: [B*H, N, hd] operands
    bool secondReader = false; // the probabilities also read by another node
};

// One ViT-style attention block on a [B, N, 3D] qkv input, named as the ViT builder names it.
Graph attentionBlock(const BlockOptions& o, int64_t B = 2, int64_t H = 3, int64_t N = 9, int64_t hd = 8)
{
    Graph g;
    const int64_t D = H * hd, D3 = 3 * D;
    const NodeId qkv = g.input("qkv", {B, N, D3});
    NodeId q, kt, v;
    if (o.rank3) {
        // One head (H = 1) so the folded batch is a plain view.
        q = g.asStrided(qkv, {B, N, hd}, {N * D3, D3, 1}, 0);
        kt = g.asStrided(qkv, {B, hd, N}, {N * D3, 1, D3}, D);
        v = g.asStrided(qkv, {B, N, hd}, {N * D3, D3, 1}, 2 * D);
    } else {
        q = g.asStrided(qkv, {B, H, N, hd}, {N * D3, hd, D3, 1}, 0);
        kt = g.asStrided(qkv, {B, H, hd, N}, {N * D3, hd, 1, D3}, D);
        v = g.asStrided(qkv, {B, H, N, hd}, {N * D3, hd, D3, 1}, 2 * D);
    }
    if (o.contKey) kt = g.cont(kt);
    NodeId scores = g.matmul(q, kt);
    if (o.mask) {
        const NodeId m = g.input("mask", o.rank3 ? Shape{1, N, N} : Shape{1, 1, N, N});
        scores = o.maskFirst ? g.add(m, scores) : g.add(scores, m);
    }
    g.name(scores, "blk.0.attn_scores");
    const NodeId probs = g.name(g.softmax(scores, 1.0 / std::sqrt(double(hd))), "blk.0.attn_probs");
    NodeId ctx = g.matmul(probs, v);
    if (!o.rank3) ctx = g.reshape(g.permute(ctx, {0, 2, 1, 3}), {B, N, D});
    g.keep(g.name(ctx, "blk.0.attn_ctx"));
    if (o.secondReader) g.keep(g.name(g.mul(probs, probs), "probs_squared"));
    g.keep(g.add(ctx, ctx)); // kept without a name: reported as "node.<id>" before and after
    return g;
}

std::map<std::string, Tensor> blockInputs(const Graph& g)
{
    std::mt19937 rng(11);
    std::map<std::string, Tensor> in;
    in["qkv"] = randomTensor(rng, g.node(g.find("qkv")).shape);
    const NodeId m = g.find("mask");
    if (m >= 0) {
        const Shape s = g.node(m).shape;
        std::vector<float> mask(size_t(shapeNumel(s)), 0.f);
        const int64_t n = s.back();
        for (int64_t i = 0; i < n; ++i)
            for (int64_t j = i + 1; j < n; ++j)
                mask[size_t(i * n + j)] = std::numeric_limits<float>::lowest();
        in["mask"] = Tensor::fromF32(s, mask);
    }
    return in;
}

Tensor goldenTensor(const SafetensorsFile& f, const std::string& name)
{
    const TensorView& v = f.tensor(name);
    return Tensor::fromF32(v.shape, toF32(v));
}

} // namespace

class TestFuseAttention : public QObject
{
    Q_OBJECT
private slots:
    void fusesUnobservedChains_data()
    {
        QTest::addColumn<int>("variant");
        QTest::newRow("vit block") << 0;
        QTest::newRow("causal mask") << 1;
        QTest::newRow("mask as first operand") << 2;
        QTest::newRow("packed copy of k^T") << 3;
        QTest::newRow("rank 3 with mask") << 4;
    }
    void fusesUnobservedChains()
    {
        QFETCH(int, variant);
        BlockOptions o;
        o.mask = variant == 1 || variant == 2 || variant == 4;
        o.maskFirst = variant == 2;
        o.contKey = variant == 3;
        o.rank3 = variant == 4;
        const Graph g = o.rank3 ? attentionBlock(o, 6, 1) : attentionBlock(o);
        const Graph f = fuseAttention(g, anyDevice);
        QCOMPARE(countAttention(f), 1);
        QCOMPARE(countOp(f, Op::Softmax), 0);
        QCOMPARE(countOp(f, Op::MatMul), 0);
        QCOMPARE(countOp(f, Op::Cont), countOp(g, Op::Cont) - (o.contKey ? 1 : 0)); // no copy of k^T
        QCOMPARE(f.find("blk.0.attn_probs"), -1);
        QVERIFY(f.node(f.find("blk.0.attn_ctx")).keep);
        const auto in = blockInputs(g);
        const auto plain = runCpu(g, in), fused = runCpu(f, in);
        QCOMPARE(fused.size(), plain.size());
        for (const auto& [key, value] : plain) {
            QVERIFY2(fused.count(key), qPrintable(QString::fromStdString(key) + " is not reported"));
            const double d = maxDiff(fused.at(key), value);
            QVERIFY2(d < 1e-5, qPrintable(QString::fromStdString(key) + " differs by " + QString::number(d)));
        }
    }

    void keepsChainsSomeoneSees_data()
    {
        QTest::addColumn<int>("variant");
        QTest::newRow("probabilities observed") << 0;
        QTest::newRow("scores observed") << 1;
        QTest::newRow("probabilities read twice") << 2;
        QTest::newRow("device lacks Attention") << 3;
    }
    void keepsChainsSomeoneSees()
    {
        QFETCH(int, variant);
        BlockOptions o;
        o.mask = true;
        o.secondReader = variant == 2;
        Graph g = attentionBlock(o);
        if (variant == 0)
            QCOMPARE(g.keepMatching([](const std::string& n) { return globMatch("blk.*.attn_probs", n); }),
                     1);
        if (variant == 1) g.keep(g.find("blk.0.attn_scores"));
        const Graph f =
            fuseAttention(g, [&](const Node& n) { return variant != 3 || n.op != Op::Attention; });
        QCOMPARE(countAttention(f), 0);
        QCOMPARE(f.size(), g.size());
        QCOMPARE(countOp(f, Op::Softmax), 1);
    }

    void compileGraphFusesForDevicesThatRunIt()
    {
        Graph g = attentionBlock({});
        FusingDevice gpu(true), noAttention(false);
        QCOMPARE(countAttention(compileGraph(g, gpu)->graph), 1);
        QCOMPARE(countAttention(compileGraph(g, noAttention)->graph), 0);
        qputenv("LOUPE_NO_FUSED_ATTENTION", "1");
        QCOMPARE(countAttention(compileGraph(g, gpu)->graph), 0);
        qunsetenv("LOUPE_NO_FUSED_ATTENTION");
        g.keepMatching([](const std::string& n) { return globMatch("blk.*.attn_probs", n); });
        QCOMPARE(countAttention(compileGraph(g, gpu)->graph), 0);
    }

    // The CPU fuses as well: its kernel is as fast at ViT sizes and faster for long rows (graph_cache.cpp).
    void compileGraphFusesOnTheCpu()
    {
        QCOMPARE(countAttention(compileGraph(attentionBlock({}), cpuDevice())->graph), 1);
        QCOMPARE(countAttention(compileGraph(attentionBlock({}, 1, 2, 1500, 8), cpuDevice())->graph), 1);
        qputenv("LOUPE_NO_FUSED_ATTENTION", "1");
        QCOMPARE(countAttention(compileGraph(attentionBlock({}), cpuDevice())->graph), 0);
        qunsetenv("LOUPE_NO_FUSED_ATTENTION");
    }

    void randomVitB16GivesTheUnfusedLogits()
    {
        const VitModel model = randomVitB16(7);
        const Graph g = model.buildGraph({1, 3, 224, 224});
        const Graph f = fuseAttention(g, anyDevice);
        QCOMPARE(countAttention(f), int(model.config().numHiddenLayers));
        QCOMPARE(countOp(f, Op::Softmax), 0);
        std::mt19937 rng(5);
        const std::map<std::string, Tensor> in{
            {"pixel_values", randomTensor(rng, {1, 3, 224, 224}, -1.f, 1.f)}};
        const Tensor plain = runCpu(g, in).at("logits"), fused = runCpu(f, in).at("logits");
        QCOMPARE(fused.shape(), plain.shape());
        const double d = maxDiff(fused, plain);
        QVERIFY2(d < 1e-4, qPrintable(QString("fused logits differ by %1").arg(d)));
    }

    void goldenVitLogitsHoldFused()
    {
        const QString dir = goldenDir(QStringLiteral("vit_classify"));
        const VitModel model = VitModel::fromCheckpoint(Checkpoint::open(dir.toStdString()));
        const auto expected = SafetensorsFile::open((dir + "/expected.safetensors").toStdString());
        const Tensor px = goldenTensor(expected, "pixel_values");
        const Graph f = fuseAttention(model.buildGraph(px.shape()), anyDevice);
        QCOMPARE(countAttention(f), int(model.config().numHiddenLayers));
        const Tensor logits = runCpu(f, {{"pixel_values", px}}).at("logits");
        // One block of rows and keys: the fused kernel makes the unfused ops' GEMM calls, so the CPU
        // gives the same logits whether or not a caller observes the probabilities.
        QCOMPARE(logits.toF32Vector(),
                 runCpu(model.buildGraph(px.shape()), {{"pixel_values", px}}).at("logits").toF32Vector());
        const QString err =
            compareClose(QStringLiteral("logits"), logits.toF32Vector(), expected.tensor("logits"),
                         goldenTolerance(dir, QStringLiteral("logits")));
        QVERIFY2(err.isEmpty(), qPrintable(err));
    }

    void goldenClipImageEmbedsHoldFused()
    {
        const QString dir = goldenDir(QStringLiteral("clip_match"));
        const ClipModel model = ClipModel::fromCheckpoint(Checkpoint::open(dir.toStdString()));
        const auto expected = SafetensorsFile::open((dir + "/expected.safetensors").toStdString());
        const Tensor px = goldenTensor(expected, "pixel_values");
        const Graph f = fuseAttention(model.buildVisionGraph(px.shape()), anyDevice);
        QCOMPARE(countAttention(f), int(model.config().vision.numHiddenLayers));
        std::vector<float> e = runCpu(f, {{"pixel_values", px}}).at("image_proj").toF32Vector();
        const int64_t width = int64_t(e.size()) / px.size(0);
        for (int64_t b = 0; b < px.size(0); ++b) {
            double norm = 0;
            for (int64_t i = 0; i < width; ++i)
                norm += double(e[size_t(b * width + i)]) * e[size_t(b * width + i)];
            for (int64_t i = 0; i < width; ++i)
                e[size_t(b * width + i)] = float(e[size_t(b * width + i)] / std::sqrt(norm));
        }
        const QString err = compareClose(QStringLiteral("image_embeds"), e, expected.tensor("image_embeds"),
                                         goldenTolerance(dir, QStringLiteral("image_embeds")));
        QVERIFY2(err.isEmpty(), qPrintable(err));
    }

    // GPT-2's causal-masked prompt runs fused on the CPU (no Softmax op left) with the golden logits.
    void goldenGpt2PromptRunsFused()
    {
        const QString dir = goldenDir(QStringLiteral("gpt2_generate"));
        const Gpt2Model model = Gpt2Model::fromCheckpoint(Checkpoint::open(dir.toStdString()));
        const auto expected = SafetensorsFile::open((dir + "/expected.safetensors").toStdString());
        Profiler::clear();
        Profiler::setEnabled(true);
        const Gpt2Output out = model.forward({goldenIds(expected, "input_ids")});
        Profiler::setEnabled(false);
        int fused = 0, softmax = 0;
        for (const ProfileRun& r : Profiler::runs("cpu"))
            for (const ProfileEvent& e : r.events) {
                fused += e.op == "attention";
                softmax += e.op == "softmax";
            }
        Profiler::clear();
        QCOMPARE(fused, int(model.config().nLayer));
        QCOMPARE(softmax, 0);
        const QString err =
            compareClose(QStringLiteral("logits"), out.logits.toF32Vector(), expected.tensor("logits"),
                         goldenTolerance(dir, QStringLiteral("logits")));
        QVERIFY2(err.isEmpty(), qPrintable(err));
    }

    // A GPU that runs Attention gets every layer of the golden ViT fused, and the golden logits.
    void goldenVitFusedOnVulkan()
    {
        Device* vk = vulkanDevice();
        if (!vk) QSKIP(qPrintable("no Vulkan device: " + QString::fromStdString(vulkanStatus())));
        const QString dir = goldenDir(QStringLiteral("vit_classify"));
        const VitModel model =
            VitModel::fromCheckpoint(Checkpoint::open(dir.toStdString(), {BackendChoice::Vulkan}));
        const auto expected = SafetensorsFile::open((dir + "/expected.safetensors").toStdString());
        const Tensor px = goldenTensor(expected, "pixel_values");
        const Graph planned = compileGraph(model.buildGraph(px.shape()), *vk)->graph;
        if (countAttention(planned) == 0) QSKIP("this Vulkan build does not run Attention");
        QCOMPARE(countAttention(planned), int(model.config().numHiddenLayers));
        const Tensor logits = model.forward(px).logits;
        QCOMPARE(lastExecution().backend, std::string("vulkan"));
        const QString err =
            compareClose(QStringLiteral("logits"), logits.toF32Vector(), expected.tensor("logits"),
                         goldenTolerance(dir, QStringLiteral("logits")));
        QVERIFY2(err.isEmpty(), qPrintable(err));
    }

    void observedProbabilitiesStayForAttribution()
    {
        const QString dir = goldenDir(QStringLiteral("vit_classify"));
        const VitModel model = VitModel::fromCheckpoint(Checkpoint::open(dir.toStdString()));
        const auto expected = SafetensorsFile::open((dir + "/expected.safetensors").toStdString());
        const Tensor px = goldenTensor(expected, "pixel_values");
        VitRunOptions o;
        o.attentions = true;
        // Planned for a device that would fuse: the observed probabilities keep every chain.
        FusingDevice gpu(true);
        auto compiled = compileGraph(model.buildGraph(px.shape(), o), gpu);
        QCOMPARE(countAttention(compiled->graph), 0);
        GraphRun run;
        run.inputs["pixel_values"] = px;
        gpu.createBackend()->compute(compiled->graph, compiled->plan, *compiled->arena, run);
        const VitOutput reference = model.forward(px, o);
        const int layers = int(model.config().numHiddenLayers);
        attribution::AttentionSet a, r;
        a.layers = r.layers = layers;
        a.heads = r.heads = int(model.config().numAttentionHeads);
        a.tokens = r.tokens = int(reference.attentions[0].size(2));
        std::vector<Tensor> held;
        for (int l = 0; l < layers; ++l) {
            held.push_back(run.kept.at("blk." + std::to_string(l) + ".attn_probs").contiguous());
            a.layer.push_back(held.back().ptr<float>());
            held.push_back(reference.attentions[size_t(l)].contiguous());
            r.layer.push_back(held.back().ptr<float>());
        }
        const std::vector<float> mine = attribution::rolloutRow(a, 0, {}),
                                 want = attribution::rolloutRow(r, 0, {});
        QCOMPARE(mine.size(), want.size());
        for (size_t i = 0; i < want.size(); ++i)
            QVERIFY2(std::fabs(mine[i] - want[i]) <= 1e-6f * std::max(1.f, std::fabs(want[i])),
                     qPrintable(QString("rollout[%1] %2 vs %3").arg(i).arg(mine[i]).arg(want[i])));
    }
};

QTEST_GUILESS_MAIN(TestFuseAttention)
#include "tst_fuse_attention.moc"
