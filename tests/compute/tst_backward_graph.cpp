// SPDX-License-Identifier: MIT
// The gradient graph (compute/autograd/backward_graph.h) against the direct CPU sweep (runWithGradients):
// every differentiable op, views, broadcasting, residuals and packed weights on small random graphs,
// a 2-layer random ViT, then the golden vit_classify gradients through the graph path on every
// available backend (Vulkan on lavapipe in CI) within the case tolerances.
#include "common/golden.h"
#include "common/testsupport.h"
#include "compute/attribution/attention_maps.h"
#include "compute/autograd/backward_graph.h"
#include "compute/autograd/vit_gradients.h"
#include "compute/backend/cuda/cuda_devices.h"
#include "compute/backend/profiler.h"
#include "compute/backend/scheduler.h"
#include "compute/backend/vulkan/vulkan_devices.h"
#include "compute/bench/random_weights.h"
#include "compute/error.h"
#include "compute/io/checkpoint.h"
#include "compute/io/safetensors.h"
#include "compute/models/blip.h"
#include "compute/models/clip.h"
#include "compute/models/clip_gradients.h"
#include "compute/models/gpt2.h"
#include "compute/models/vision_encoder_decoder.h"
#include "compute/models/vision_encoder_decoder_relevancy.h"
#include "compute/models/vit.h"
#include "compute/models/vit_benchmark.h"

#include <QTest>
#include <chrono>
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

// A graph, its bindings, the output and what is asked of the gradient run.
struct Case
{
    Graph g;
    std::map<std::string, Tensor> inputs;
    NodeId output = -1;
    GradientRequest request;
    NodeId in(const std::string& name, const Shape& shape, std::mt19937& rng)
    {
        inputs[name] = randomTensor(shape, rng);
        const NodeId id = g.input(name, shape);
        request.gradients.push_back(id);
        return id;
    }
};

using CaseBuilder = std::function<void(Case&, std::mt19937&)>;

std::vector<std::pair<QString, CaseBuilder>> opCases()
{
    std::vector<std::pair<QString, CaseBuilder>> c;
    c.emplace_back("add_broadcast", [](Case& k, std::mt19937& r) {
        k.output = k.g.add(k.in("x", {2, 3, 4}, r), k.in("y", {4}, r));
    });
    c.emplace_back("sub_broadcast", [](Case& k, std::mt19937& r) {
        k.output = k.g.sub(k.in("x", {2, 3, 4}, r), k.in("y", {3, 1}, r));
    });
    c.emplace_back("mul_broadcast", [](Case& k, std::mt19937& r) {
        k.output = k.g.mul(k.in("x", {2, 1, 4}, r), k.in("y", {3, 4}, r));
    });
    for (Activation a : {Activation::None, Activation::GeluErf, Activation::GeluTanh, Activation::QuickGelu,
                         Activation::Silu, Activation::Tanh, Activation::Sigmoid}) {
        c.emplace_back(QString("linear_residual_") + activationName(a), [a](Case& k, std::mt19937& r) {
            const NodeId x = k.in("x", {2, 5, 6}, r);
            const NodeId w = k.g.weight("w", randomTensor({6, 6}, r, 0.4f));
            k.output = k.g.linear(x, w, k.g.weight("b", randomTensor({6}, r)), a, x);
        });
        c.emplace_back(QString("activation_") + activationName(a), [a](Case& k, std::mt19937& r) {
            k.output = k.g.activation(k.in("x", {3, 7}, r), a);
        });
    }
    c.emplace_back("linear_packed_weight", [](Case& k, std::mt19937& r) {
        const Tensor w = randomTensor({5, 8}, r, 0.4f);
        std::shared_ptr<const PackedWeight> p = packLinearWeight(w.ptr<float>(), 5, 8, 8);
        const NodeId wn = p ? k.g.packedWeight("w", p) : k.g.weight("w", w);
        k.output = k.g.linear(k.in("x", {3, 8}, r), wn, -1, Activation::GeluErf);
    });
    c.emplace_back("matmul_strided_views", [](Case& k, std::mt19937& r) {
        const NodeId x = k.in("x", {2, 3, 4}, r);
        k.output = k.g.matmul(x, k.g.permute(x, {0, 2, 1}));
    });
    c.emplace_back("matmul_broadcast_batch", [](Case& k, std::mt19937& r) {
        k.output = k.g.matmul(k.in("a", {2, 3, 3, 4}, r), k.in("b", {1, 3, 4, 5}, r));
    });
    c.emplace_back("softmax_scale", [](Case& k, std::mt19937& r) {
        k.output = k.g.softmax(k.in("x", {2, 3, 9}, r), 0.7);
    });
    c.emplace_back("layer_norm", [](Case& k, std::mt19937& r) {
        k.output = k.g.layerNorm(k.in("x", {4, 10}, r), k.g.weight("w", randomTensor({10}, r)),
                                 k.g.weight("b", randomTensor({10}, r)), 1e-5);
    });
    c.emplace_back("bicubic", [](Case& k, std::mt19937& r) {
        k.output = k.g.bicubic(k.in("x", {1, 2, 5, 6}, r), 9, 7, 0, 0);
    });
    c.emplace_back("patch_embed", [](Case& k, std::mt19937& r) {
        k.output =
            k.g.patchEmbed(k.in("x", {2, 3, 9, 8}, r), k.g.weight("w", randomTensor({5, 3, 4, 4}, r, 0.3f)),
                           k.g.weight("b", randomTensor({5}, r)), 4);
    });
    c.emplace_back("patch_embed_packed", [](Case& k, std::mt19937& r) {
        const Tensor w = randomTensor({5, 3 * 4 * 4}, r, 0.3f);
        std::shared_ptr<const PackedWeight> p = packLinearWeight(w.ptr<float>(), 5, 48, 48);
        const NodeId wn = p ? k.g.packedWeight("w", p) : k.g.weight("w", w.reshape({5, 3, 4, 4}));
        k.output = k.g.patchEmbed(k.in("x", {1, 3, 8, 8}, r), wn, -1, 4);
    });
    c.emplace_back("concat", [](Case& k, std::mt19937& r) {
        k.output = k.g.concat(k.in("a", {2, 1, 4}, r), k.in("b", {2, 3, 4}, r), 1);
    });
    c.emplace_back("cont_of_permute", [](Case& k, std::mt19937& r) {
        k.output = k.g.cont(k.g.permute(k.in("x", {2, 3, 4}, r), {2, 0, 1}));
    });
    // Attention-style: one projection sliced into q, k, v (three views of one root), heads permuted.
    c.emplace_back("qkv_slices_and_views", [](Case& k, std::mt19937& r) {
        const NodeId x = k.in("x", {1, 5, 8}, r);
        const NodeId qkv = k.g.linear(x, k.g.weight("w", randomTensor({24, 8}, r, 0.3f)));
        auto head = [&](int i) {
            return k.g.permute(k.g.reshape(k.g.slice(qkv, 2, 8 * i, 8 * (i + 1)), {1, 5, 2, 4}),
                               {0, 2, 1, 3});
        };
        const NodeId q = head(0), kk = head(1), v = head(2);
        const NodeId p = k.g.softmax(k.g.matmul(q, k.g.permute(kk, {0, 1, 3, 2})), 0.5);
        k.request.gradients.push_back(p);
        k.request.gradients.push_back(q); // a view's gradient
        k.request.values.push_back(p);
        k.output = k.g.reshape(k.g.permute(k.g.matmul(p, v), {0, 2, 1, 3}), {1, 5, 8});
    });
    c.emplace_back("broadcast_view", [](Case& k, std::mt19937& r) {
        const NodeId x = k.in("x", {3, 1}, r);
        k.output = k.g.mul(k.g.asStrided(x, {3, 4}, {1, 0}, 0), k.in("y", {3, 4}, r));
    });
    c.emplace_back("late_request", [](Case& k, std::mt19937& r) {
        const NodeId x = k.g.input("x", {2, 6});
        k.inputs["x"] = randomTensor({2, 6}, r);
        const NodeId mid =
            k.g.activation(k.g.linear(x, k.g.weight("w", randomTensor({6, 6}, r))), Activation::Tanh);
        k.request.gradients.push_back(mid);
        k.output = k.g.layerNorm(k.g.add(mid, x), k.g.weight("w2", randomTensor({6}, r)),
                                 k.g.weight("b2", randomTensor({6}, r)), 1e-6);
    });
    return c;
}

// Worst |a - e| / (atol + rtol |e|) with atol relative to the largest |e|.
double worstOff(const Tensor& a, const Tensor& e, double rel)
{
    if (a.shape() != e.shape()) return INFINITY;
    const std::vector<float> av = a.toF32Vector(), ev = e.toF32Vector();
    double scale = 0;
    for (float x : ev)
        scale = std::max(scale, double(std::fabs(x)));
    double worst = 0;
    for (size_t i = 0; i < av.size(); ++i) {
        const double r =
            std::fabs(double(av[i]) - ev[i]) / (rel * (scale + 1e-12) + 10 * rel * std::fabs(ev[i]));
        worst = std::isnan(r) ? INFINITY : std::max(worst, r);
    }
    return worst;
}

struct BackendRow
{
    QString name;
    BackendChoice choice;
    double rel; // the tolerance of the graph path on it against the CPU sweep
};

std::vector<BackendRow> backends()
{
    std::vector<BackendRow> b{{"cpu", BackendChoice::Cpu, 1e-5}};
    if (vulkanDevice()) b.push_back({"vulkan", BackendChoice::Vulkan, 2e-4});
    if (cudaDevice()) b.push_back({"cuda", BackendChoice::Cuda, 2e-4});
    return b;
}

// Every requested gradient and value of the graph path against the direct sweep; empty when they agree.
QString compareRuns(const Case& k, const GradientRun& graph, const GradientRun& direct, double rel)
{
    std::vector<std::pair<std::string, std::pair<Tensor, Tensor>>> pairs;
    for (NodeId id : k.request.gradients)
        pairs.push_back({"grad of node " + std::to_string(id), {graph.gradOf(id), direct.gradOf(id)}});
    pairs.push_back({"output value", {graph.valueOf(k.output), direct.valueOf(k.output)}});
    for (NodeId id : k.request.values)
        pairs.push_back({"value of node " + std::to_string(id), {graph.valueOf(id), direct.valueOf(id)}});
    for (const auto& [what, t] : pairs) {
        const double off = worstOff(t.first, t.second, rel);
        if (!(off <= 1.0))
            return QString::fromStdString(what) + QString(" off by %1 of the tolerance").arg(off);
    }
    return {};
}

ViTConfig smallVit()
{
    ViTConfig c;
    c.hiddenSize = 32;
    c.numHiddenLayers = 2;
    c.numAttentionHeads = 4;
    c.intermediateSize = 64;
    c.imageSize = 32;
    c.patchSize = 8;
    c.layerNormEps = 1e-12;
    for (int i = 0; i < 5; ++i)
        c.id2label[i] = "class" + std::to_string(i);
    return c;
}

} // namespace

class TestBackwardGraph : public QObject
{
    Q_OBJECT

    void rows()
    {
        QTest::addColumn<int>("caseIndex");
        QTest::addColumn<int>("backendIndex");
        const auto cases = opCases();
        const auto bs = backends();
        for (size_t b = 0; b < bs.size(); ++b)
            for (size_t i = 0; i < cases.size(); ++i)
                QTest::newRow(qPrintable(cases[i].first + "@" + bs[b].name)) << int(i) << int(b);
    }

private slots:
    void opMatchesDirectSweep_data() { rows(); }
    void opMatchesDirectSweep()
    {
        QFETCH(int, caseIndex);
        QFETCH(int, backendIndex);
        const BackendRow be = backends()[size_t(backendIndex)];
        std::mt19937 rng(11 + uint32_t(caseIndex));
        Case k;
        opCases()[size_t(caseIndex)].second(k, rng);
        const Tensor seed = randomTensor(k.g.node(k.output).shape, rng);
        const GradientRun direct = runWithGradients(k.g, k.inputs, k.output, seed, k.request);
        const GradientGraph gg = buildGradientGraph(k.g, k.output, k.request);
        Scheduler scheduler(be.choice);
        const GradientRun graph = runGradientGraph(k.g, gg, k.inputs, seed, scheduler);
        QCOMPARE(QString::fromStdString(lastExecution().backend), be.name);
        const QString err = compareRuns(k, graph, direct, be.rel);
        QVERIFY2(err.isEmpty(), qPrintable(err));
        // The comparison can fail: another seed gives other gradients.
        const GradientRun other =
            runWithGradients(k.g, k.inputs, k.output, randomTensor(seed.shape(), rng), k.request);
        QVERIFY(!compareRuns(k, graph, other, be.rel).isEmpty());
    }

    void vitMatchesDirectSweep_data()
    {
        QTest::addColumn<int>("backendIndex");
        const auto bs = backends();
        for (size_t b = 0; b < bs.size(); ++b)
            QTest::newRow(qPrintable(bs[b].name)) << int(b);
    }
    void vitMatchesDirectSweep()
    {
        QFETCH(int, backendIndex);
        const BackendRow be = backends()[size_t(backendIndex)];
        const VitModel model = bench::randomVit(smallVit());
        std::mt19937 rng(3);
        Case k;
        k.g = model.buildGraph({2, 3, 32, 32});
        k.inputs["pixel_values"] = randomTensor({2, 3, 32, 32}, rng);
        k.output = k.g.find("final_norm"); // a bare ViTModel: no head
        QVERIFY(k.output >= 0);
        for (const char* name : {"pixel_values", "blk.0.attn_probs", "blk.1.attn_probs", "blk.0.out"}) {
            const NodeId id = k.g.find(name);
            QVERIFY2(id >= 0, name);
            k.request.gradients.push_back(id);
        }
        const Tensor seed = randomTensor(k.g.node(k.output).shape, rng);
        const GradientRun direct = runWithGradients(k.g, k.inputs, k.output, seed, k.request);
        Scheduler scheduler(be.choice);
        const GradientRun graph =
            runGradientGraph(k.g, buildGradientGraph(k.g, k.output, k.request), k.inputs, seed, scheduler);
        QCOMPARE(QString::fromStdString(lastExecution().backend), be.name);
        const QString err = compareRuns(k, graph, direct, be.rel * 10);
        QVERIFY2(err.isEmpty(), qPrintable(err));
    }

    // transformers' gradients of the golden case, through vitGradients on the model's backend (the graph
    // path on GPUs) and through the graph path on the CPU device.
    void vitGolden_data() { vitMatchesDirectSweep_data(); }
    void vitGolden()
    {
        QFETCH(int, backendIndex);
        const BackendRow be = backends()[size_t(backendIndex)];
        const QString dir = test::goldenDir(QStringLiteral("vit_classify"));
        const VitModel model = VitModel::fromCheckpoint(Checkpoint::open(dir.toStdString(), {be.choice}));
        const auto file =
            SafetensorsFile::open((dir + QStringLiteral("/expected.safetensors")).toStdString());
        const TensorView& pv = file.tensor("pixel_values");
        const Tensor pixels = Tensor::fromF32(pv.shape, toF32(pv));
        const int64_t top = int64_t(toF32(file.tensor("top_class")).at(0));
        VitGradients grads;
        if (be.choice == BackendChoice::Cpu) {
            // vitGradients keeps the direct sweep on the CPU: run its request as a graph here.
            const Graph g = model.buildGraph(pixels.shape());
            const NodeId logits = g.find("logits");
            GradientRequest req;
            req.gradients.push_back(g.find("pixel_values"));
            for (int64_t l = 0; l < model.config().numHiddenLayers; ++l)
                req.gradients.push_back(g.find("blk." + std::to_string(l) + ".attn_probs"));
            std::vector<float> s(size_t(g.node(logits).numel()), 0.0f);
            s[size_t(top)] = 1.0f;
            Scheduler scheduler(BackendChoice::Cpu);
            const GradientRun run =
                runGradientGraph(g, buildGradientGraph(g, logits, req), {{"pixel_values", pixels}},
                                 Tensor::fromF32(g.node(logits).shape, s), scheduler);
            grads.logits = run.valueOf(logits);
            grads.inputGrad = run.gradOf(req.gradients[0]);
            for (size_t l = 1; l < req.gradients.size(); ++l) {
                grads.attentions.push_back(run.valueOf(req.gradients[l]));
                grads.attnGrads.push_back(run.gradOf(req.gradients[l]));
            }
        } else {
            grads = vitGradients(model, pixels, top);
            QCOMPARE(QString::fromStdString(lastExecution().backend), be.name);
            QVERIFY2(lastExecution().fallbackReason.empty(), lastExecution().fallbackReason.c_str());
        }
        auto check = [&](const QString& name, const Tensor& t) {
            const QString err = test::compareClose(name, t.toF32Vector(), file.tensor(name.toStdString()),
                                                   test::goldenTolerance(dir, name));
            QVERIFY2(err.isEmpty(), qPrintable(err));
        };
        check(QStringLiteral("logits"), grads.logits);
        check(QStringLiteral("input_grad"), grads.inputGrad);
        QCOMPARE(int64_t(grads.attnGrads.size()), model.config().numHiddenLayers);
        for (size_t l = 0; l < grads.attnGrads.size(); ++l)
            check(QStringLiteral("attn_grads.%1").arg(l), grads.attnGrads[l]);

        // Chefer relevancy (tst_attribution_golden's case) from these attentions and gradients.
        namespace at = loupe::compute::attribution;
        const int L = int(grads.attnGrads.size());
        const Shape& as = grads.attentions.at(0).shape();
        std::vector<std::vector<float>> a(static_cast<size_t>(L)), gr(static_cast<size_t>(L));
        at::AttentionSet attn{L, int(as[1]), int(as[2]), {}}, gset{L, int(as[1]), int(as[2]), {}};
        for (int l = 0; l < L; ++l) {
            a[size_t(l)] = grads.attentions[size_t(l)].toF32Vector();
            gr[size_t(l)] = grads.attnGrads[size_t(l)].toF32Vector();
            attn.layer.push_back(a[size_t(l)].data());
            gset.layer.push_back(gr[size_t(l)].data());
        }
        const int grid = int(std::lround(std::sqrt(double(as[2] - 1))));
        const std::vector<float> chefer =
            at::patchMap(at::cheferRow(attn, gset, 0), at::PatchGrid{grid, grid, 1});
        const QString err = test::compareClose(QStringLiteral("chefer"), chefer, file.tensor("chefer"),
                                               test::goldenTolerance(dir, QStringLiteral("chefer")));
        QVERIFY2(err.isEmpty(), qPrintable(err));
    }

    // The text models' gradients on a Vulkan model run there (recorded so, no CPU reason) and equal the
    // CPU model's.
    void decoderGradientsRunOnTheModelsDevice()
    {
        if (!vulkanDevice()) QSKIP(qPrintable("no Vulkan device: " + QString::fromStdString(vulkanStatus())));
        const std::string dir = test::goldenDir(QStringLiteral("vit_gpt2_caption")).toStdString();
        const auto cpu = VisionEncoderDecoderModel::fromCheckpoint(Checkpoint::open(dir));
        const auto vk =
            VisionEncoderDecoderModel::fromCheckpoint(Checkpoint::open(dir, {BackendChoice::Vulkan}));
        const auto expected = SafetensorsFile::open(dir + "/expected.safetensors");
        const TensorView& v = expected.tensor("pixel_values");
        const Tensor states = cpu.encode(Tensor::fromF32(v.shape, toF32(v)));
        const DecoderTokenGradients ref = cpu.decoder().tokenGradients(cpu.decoderPrompt({}), states, 3);
        QCOMPARE(lastExecution().backend, std::string("cpu"));
        const DecoderTokenGradients got = vk.decoder().tokenGradients(vk.decoderPrompt({}), states, 3);
        QCOMPARE(lastExecution().backend, std::string("vulkan"));
        QVERIFY2(lastExecution().fallbackReason.empty(), lastExecution().fallbackReason.c_str());
        QVERIFY(std::fabs(got.logit - ref.logit) <= 1e-3 * (1 + std::fabs(ref.logit)));
        QVERIFY(worstOff(got.encoderGrad, ref.encoderGrad, 1e-3) <= 1.0);
        QCOMPARE(got.selfGrads.size(), ref.selfGrads.size());
        for (size_t l = 0; l < ref.selfGrads.size(); ++l) {
            QVERIFY(worstOff(got.selfGrads[l], ref.selfGrads[l], 1e-3) <= 1.0);
            QVERIFY(worstOff(got.crossGrads[l], ref.crossGrads[l], 1e-3) <= 1.0);
        }
    }
    // A caption token's relevancy: both the decoder's and the image encoder's gradients run on the model's
    // device (the encoder's gradient graph, which alone holds a patch embedding, is filed by the Vulkan
    // backend) and the map equals the CPU model's.
    void captionRelevancyRunsOnTheModelsDevice()
    {
        if (!vulkanDevice()) QSKIP(qPrintable("no Vulkan device: " + QString::fromStdString(vulkanStatus())));
        const std::string dir = test::goldenDir(QStringLiteral("vit_gpt2_caption")).toStdString();
        const auto cpu = VisionEncoderDecoderModel::fromCheckpoint(Checkpoint::open(dir));
        const auto vk =
            VisionEncoderDecoderModel::fromCheckpoint(Checkpoint::open(dir, {BackendChoice::Vulkan}));
        const auto expected = SafetensorsFile::open(dir + "/expected.safetensors");
        const TensorView& v = expected.tensor("pixel_values");
        const Tensor px = Tensor::fromF32(v.shape, toF32(v));
        const Tensor states = cpu.encode(px);
        const auto ref = captionTokenRelevancy(cpu, px, states, cpu.decoderPrompt({}), 2);
        Profiler::setEnabled(true);
        Profiler::clear();
        const auto got = captionTokenRelevancy(vk, px, states, vk.decoderPrompt({}), 2);
        bool encoderOnVulkan = false;
        for (const ProfileRun& run : Profiler::runs("vulkan"))
            for (const ProfileEvent& e : run.events)
                encoderOnVulkan = encoderOnVulkan || e.op == "patch_embed";
        Profiler::setEnabled(false);
        QVERIFY2(encoderOnVulkan, "the image encoder's gradients did not run on the Vulkan device");
        QCOMPARE(got.patches.size(), ref.patches.size());
        QVERIFY(std::fabs(got.logit - ref.logit) <= 1e-3 * (1 + std::fabs(ref.logit)));
        float peak = 0, worst = 0;
        for (size_t i = 0; i < ref.patches.size(); ++i) {
            peak = std::max(peak, std::fabs(ref.patches[i]));
            worst = std::max(worst, std::fabs(got.patches[i] - ref.patches[i]));
        }
        QVERIFY2(worst <= 1e-3f * std::max(peak, 1e-6f), qPrintable(QString::number(worst)));
    }
    void blipGradientsRunOnTheModelsDevice()
    {
        if (!vulkanDevice()) QSKIP(qPrintable("no Vulkan device: " + QString::fromStdString(vulkanStatus())));
        const std::string dir = test::goldenDir(QStringLiteral("blip_vqa")).toStdString();
        const auto cpu = BlipForQuestionAnswering::fromCheckpoint(Checkpoint::open(dir));
        const auto vk =
            BlipForQuestionAnswering::fromCheckpoint(Checkpoint::open(dir, {BackendChoice::Vulkan}));
        const int64_t S = cpu.vision().config().imageSize;
        std::mt19937 rng(6);
        const Tensor px = randomTensor({1, 3, S, S}, rng);
        const Tensor states = cpu.vision().forward(px).imageEmbeds;
        const std::vector<int64_t> ids = {1, 5, 9, 2};
        // The answer decoder's token gradients and the question encoder's gradients.
        const DecoderTokenGradients ref = cpu.textDecoder().tokenGradients(ids, states, 7);
        const DecoderTokenGradients got = vk.textDecoder().tokenGradients(ids, states, 7);
        QCOMPARE(lastExecution().backend, std::string("vulkan"));
        QVERIFY(worstOff(got.encoderGrad, ref.encoderGrad, 1e-3) <= 1.0);
        for (size_t l = 0; l < ref.crossGrads.size(); ++l)
            QVERIFY(worstOff(got.crossGrads[l], ref.crossGrads[l], 1e-3) <= 1.0);
        const int64_t D = cpu.textEncoder().config().hiddenSize;
        const Tensor seed = randomTensor({1, int64_t(ids.size()), D}, rng);
        const TextEncoderGradients eref = cpu.textEncoder().encoderGradients(ids, states, seed);
        const TextEncoderGradients egot = vk.textEncoder().encoderGradients(ids, states, seed);
        QCOMPARE(lastExecution().backend, std::string("vulkan"));
        QVERIFY2(lastExecution().fallbackReason.empty(), lastExecution().fallbackReason.c_str());
        QVERIFY(worstOff(egot.encoderGrad, eref.encoderGrad, 1e-3) <= 1.0);
        for (size_t l = 0; l < eref.selfGrads.size(); ++l)
            QVERIFY(worstOff(egot.selfGrads[l], eref.selfGrads[l], 1e-3) <= 1.0);
    }
    void clipGradientsRunOnTheModelsDevice()
    {
        if (!vulkanDevice()) QSKIP(qPrintable("no Vulkan device: " + QString::fromStdString(vulkanStatus())));
        const std::string dir = test::goldenDir(QStringLiteral("clip_match")).toStdString();
        const ClipModel cpu = ClipModel::fromCheckpoint(Checkpoint::open(dir));
        const ClipModel vk = ClipModel::fromCheckpoint(Checkpoint::open(dir, {BackendChoice::Vulkan}));
        const int64_t S = cpu.config().vision.imageSize;
        std::mt19937 rng(4);
        const Tensor px = randomTensor({1, 3, S, S}, rng);
        const Tensor probe = cpu.encodeImage(px).projected.contiguous();
        const Tensor text = randomTensor(probe.shape(), rng);
        const ClipVisionGradients ref = clipVisionGradients(cpu, px, text);
        const ClipVisionGradients got = clipVisionGradients(vk, px, text);
        QCOMPARE(lastExecution().backend, std::string("vulkan"));
        QVERIFY2(lastExecution().fallbackReason.empty(), lastExecution().fallbackReason.c_str());
        QVERIFY(worstOff(got.logits, ref.logits, 1e-3) <= 1.0);
        QCOMPARE(got.attnGrads.size(), ref.attnGrads.size());
        for (size_t l = 0; l < ref.attnGrads.size(); ++l)
            QVERIFY2(worstOff(got.attnGrads[l], ref.attnGrads[l], 1e-3) <= 1.0,
                     qPrintable(QString::number(l)));
    }

    // tst_autograd_vit's request (two images, two targets, extra nodes, a view among them) on each
    // backend's model against the CPU model's direct sweep.
    void vitRequestOnEveryBackend_data()
    {
        QTest::addColumn<int>("backendIndex");
        const auto bs = backends();
        for (size_t b = 1; b < bs.size(); ++b) // the CPU model is the reference
            QTest::newRow(qPrintable(bs[b].name)) << int(b);
        if (bs.size() == 1) QTest::newRow("none") << -1;
    }
    void vitRequestOnEveryBackend()
    {
        QFETCH(int, backendIndex);
        if (backendIndex < 0) QSKIP("no backend besides the CPU reference");
        const BackendRow be = backends()[size_t(backendIndex)];
        const std::string dir = test::goldenDir(QStringLiteral("vit_classify")).toStdString();
        const VitModel cpu = VitModel::fromCheckpoint(Checkpoint::open(dir));
        const VitModel model = VitModel::fromCheckpoint(Checkpoint::open(dir, {be.choice}));
        const auto file = SafetensorsFile::open(dir + "/expected.safetensors");
        const TensorView& pv = file.tensor("pixel_values");
        std::vector<float> px = toF32(pv);
        std::mt19937 rng(5);
        std::normal_distribution<float> noise(0.0f, 0.3f);
        for (size_t i = 0, n = px.size(); i < n; ++i)
            px.push_back(0.7f * px[i] + noise(rng));
        Shape shape = pv.shape;
        shape[0] = 2;
        const Tensor pixels = Tensor::fromF32(shape, px);
        VitGradientRequest req;
        req.nodes = {"blk.1.out", "final_norm", "blk.0.attn_scores"};
        const VitGradients ref = vitGradients(cpu, pixels, {4, 7}, req);
        const VitGradients got = vitGradients(model, pixels, {4, 7}, req);
        QCOMPARE(QString::fromStdString(lastExecution().backend), be.name);
        const double rel = be.rel * 10;
        QVERIFY(worstOff(got.logits, ref.logits, rel) <= 1.0);
        QVERIFY(worstOff(got.inputGrad, ref.inputGrad, rel) <= 1.0);
        for (size_t l = 0; l < ref.attnGrads.size(); ++l) {
            QVERIFY(worstOff(got.attentions[l], ref.attentions[l], rel) <= 1.0);
            QVERIFY(worstOff(got.attnGrads[l], ref.attnGrads[l], rel) <= 1.0);
        }
        for (const std::string& name : req.nodes) {
            QVERIFY2(worstOff(got.nodeValues.at(name), ref.nodeValues.at(name), rel) <= 1.0, name.c_str());
            QVERIFY2(worstOff(got.nodeGrads.at(name), ref.nodeGrads.at(name), rel) <= 1.0, name.c_str());
        }
    }

    // A device that fails during a gradient run: the same run is redone on the CPU, with the CPU's answer
    // and a record naming the failure.
    void failingDeviceFallsBackToTheCpu()
    {
        if (!vulkanDevice()) QSKIP(qPrintable("no Vulkan device: " + QString::fromStdString(vulkanStatus())));
        const std::string dir = test::goldenDir(QStringLiteral("vit_classify")).toStdString();
        const VitModel cpu = VitModel::fromCheckpoint(Checkpoint::open(dir));
        const VitModel vk = VitModel::fromCheckpoint(Checkpoint::open(dir, {BackendChoice::Vulkan}));
        const auto file = SafetensorsFile::open(dir + "/expected.safetensors");
        const TensorView& pv = file.tensor("pixel_values");
        const Tensor pixels = Tensor::fromF32(pv.shape, toF32(pv));
        const VitGradients ref = vitGradients(cpu, pixels, 3);
        setenv("LOUPE_FAULT", "vulkan:lost", 1);
        VitGradients got;
        try {
            got = vitGradients(vk, pixels, 3);
        } catch (...) {
            unsetenv("LOUPE_FAULT");
            throw;
        }
        unsetenv("LOUPE_FAULT");
        const ExecutionRecord r = lastExecution();
        QCOMPARE(r.backend, std::string("cpu"));
        QVERIFY2(r.fallbackReason.find("VK_ERROR_DEVICE_LOST") != std::string::npos,
                 r.fallbackReason.c_str());
        QCOMPARE(&vk.scheduler().device(), &cpuDevice());
        QVERIFY(worstOff(got.logits, ref.logits, 1e-5) <= 1.0);
        QVERIFY(worstOff(got.inputGrad, ref.inputGrad, 1e-5) <= 1.0);
        for (size_t l = 0; l < ref.attnGrads.size(); ++l)
            QVERIFY(worstOff(got.attnGrads[l], ref.attnGrads[l], 1e-5) <= 1.0);
    }

    // Opt-in (LOUPE_GRAD_PROFILE=1): ViT-B/16 224 gradients (input and every attention) by the direct CPU
    // sweep and by the graph path on the CPU device; LOUPE_GRAD_PROFILE=vulkan adds the graph path on
    // Vulkan (minutes on lavapipe). Printed, and the results compared.
    void timing()
    {
        const QByteArray mode = qgetenv("LOUPE_GRAD_PROFILE");
        if (mode.isEmpty()) QSKIP("set LOUPE_GRAD_PROFILE=1 (or vulkan) to time ViT-B/16 gradients");
        using Clock = std::chrono::steady_clock;
        auto ms = [](Clock::time_point t0) {
            return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        };
        const VitModel model = randomVitB16(41);
        std::mt19937 rng(9);
        Case k;
        k.g = model.buildGraph({1, 3, 224, 224});
        k.inputs["pixel_values"] = randomTensor({1, 3, 224, 224}, rng);
        k.output = k.g.find("logits");
        k.request.gradients.push_back(k.g.find("pixel_values"));
        for (int l = 0; l < 12; ++l)
            k.request.gradients.push_back(k.g.find("blk." + std::to_string(l) + ".attn_probs"));
        std::vector<float> s(size_t(k.g.node(k.output).numel()), 0.0f);
        s[3] = 1.0f;
        const Tensor seed = Tensor::fromF32(k.g.node(k.output).shape, s);
        double direct = 1e30, graph = 1e30, build = 1e30;
        GradientRun d, gr;
        for (int i = 0; i < 3; ++i) {
            auto t0 = Clock::now();
            d = runWithGradients(k.g, k.inputs, k.output, seed, k.request);
            direct = std::min(direct, ms(t0));
            t0 = Clock::now();
            const GradientGraph gg = buildGradientGraph(k.g, k.output, k.request);
            build = std::min(build, ms(t0));
            Scheduler cpu(BackendChoice::Cpu);
            t0 = Clock::now();
            gr = runGradientGraph(k.g, gg, k.inputs, seed, cpu);
            graph = std::min(graph, ms(t0));
        }
        qInfo(
            "ViT-B/16 224 gradients on the CPU: direct sweep %.1f ms, graph path %.1f ms (+ %.1f ms to build "
            "the graph)",
            direct, graph, build);
        QString err = compareRuns(k, gr, d, 1e-4);
        QVERIFY2(err.isEmpty(), qPrintable(err));
        if (mode != "vulkan" || !vulkanDevice()) return;
        Scheduler vk(BackendChoice::Vulkan);
        const GradientGraph gg = buildGradientGraph(k.g, k.output, k.request);
        auto t0 = Clock::now();
        const GradientRun v = runGradientGraph(k.g, gg, k.inputs, seed, vk);
        qInfo("ViT-B/16 224 gradients on %s: %.1f ms (first run, weights uploaded)",
              lastExecution().device.c_str(), ms(t0));
        err = compareRuns(k, v, d, 1e-3);
        QVERIFY2(err.isEmpty(), qPrintable(err));
    }

    void opsWithoutGradientAreNamed()
    {
        Graph g;
        const NodeId x = g.input("x", {1, 1, 3, 4});
        const NodeId y = g.attention(x, x, x, -1, 0.5);
        try {
            buildGradientGraph(g, y, GradientRequest{{x}, {}});
            QFAIL("fused attention has no gradient");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("no gradient for"), e.what());
        }
        const NodeId w = g.weight("w", Tensor::zeros(DType::F32, {4, 4}));
        QVERIFY_THROWS_EXCEPTION(Error, buildGradientGraph(g, g.linear(x, w), GradientRequest{{w}, {}}));
    }
};

QTEST_GUILESS_MAIN(TestBackwardGraph)
#include "tst_backward_graph.moc"
