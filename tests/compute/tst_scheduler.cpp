// SPDX-License-Identifier: MIT
// The scheduler: device resolution, graphs split where the device lacks an op, and the fall-back to the
// CPU on every kind of device failure (injected with LOUPE_FAULT), with the same answer as the CPU and
// a reason naming the failure. The Vulkan cases skip with a message where no Vulkan device exists.
#include "common/testsupport.h"
#include "compute/autograd/vit_gradients.h"
#include "compute/backend/backend.h"
#include "compute/backend/device_choice.h"
#include "compute/backend/device_error.h"
#include "compute/backend/profiler.h"
#include "compute/backend/scheduler.h"
#include "compute/backend/vulkan/vulkan_devices.h"
#include "compute/error.h"
#include "compute/graph/graph_cache.h"
#include "compute/io/checkpoint.h"
#include "compute/io/safetensors.h"
#include "compute/models/vision_encoder_decoder.h"
#include "compute/models/vit.h"

#include <QElapsedTimer>
#include <QTest>
#include <cmath>
#include <cstdlib>

using namespace loupe::compute;

namespace {

// The CPU under another name that lacks one op: the split logic tested without any GPU.
class DeviceWithoutOp final : public Device
{
public:
    explicit DeviceWithoutOp(Op missing) : missing_(missing) {}
    std::string name() const override { return "fake"; }
    std::string description() const override { return "a CPU that lacks one op"; }
    DeviceKind kind() const override { return DeviceKind::Other; }
    const BufferType& bufferType() const override { return cpuDevice().bufferType(); }
    bool supportsOp(const Node& n) const override { return n.op != missing_; }
    std::unique_ptr<Backend> createBackend() override { return cpuDevice().createBackend(); }

private:
    Op missing_;
};

// Sets an environment variable for one scope.
class EnvVar
{
public:
    EnvVar(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
    ~EnvVar() { unsetenv(name_); }

private:
    const char* name_;
};

double maxAbsDiff(const Tensor& a, const Tensor& b)
{
    const std::vector<float> x = a.toF32Vector(), y = b.toF32Vector();
    if (x.size() != y.size()) return INFINITY;
    double worst = 0;
    for (size_t i = 0; i < x.size(); ++i)
        worst =
            std::max(worst, std::isnan(x[i]) != std::isnan(y[i]) ? INFINITY : std::fabs(double(x[i]) - y[i]));
    return worst;
}

// A small graph with views, a residual, a softmax and a kept intermediate.
Graph attentionLike()
{
    Graph g;
    const Tensor w =
        Tensor::fromF32({6, 4}, std::vector<float>{0.1f, -0.2f, 0.3f,  0.4f,  -0.5f, 0.6f, 0.7f,  -0.8f,
                                                   0.9f, 0.1f,  0.2f,  -0.3f, 0.4f,  0.5f, -0.6f, 0.7f,
                                                   0.8f, 0.9f,  -0.1f, 0.2f,  0.3f,  0.4f, 0.5f,  -0.6f});
    NodeId x = g.input("x", {2, 3, 4});
    NodeId qk = g.linear(x, g.weight("w", w));                   // [2, 3, 6]
    NodeId q = g.asStrided(qk, {2, 3, 3}, {18, 6, 1}, 0);        // a view
    NodeId kt = g.asStrided(qk, {2, 3, 3}, {18, 1, 6}, 3);       // transposed view
    NodeId p = g.name(g.softmax(g.matmul(q, kt), 0.5), "probs"); // [2, 3, 3]
    NodeId ctx = g.matmul(p, q);                                 // [2, 3, 3]
    NodeId out = g.name(g.add(ctx, g.asStrided(qk, {2, 3, 3}, {18, 6, 1}, 3)), "out");
    g.keep(p);
    g.keep(out);
    return g;
}

std::map<std::string, Tensor> runOn(Device& d, const Graph& g, const Tensor& x, bool* split = nullptr)
{
    auto c = compileGraph(g, d);
    if (split) *split = !c->segments.empty();
    GraphRun run;
    run.inputs["x"] = x;
    runCompiled(*c, run);
    return run.kept;
}

} // namespace

class TestScheduler : public QObject
{
    Q_OBJECT

    std::string vitDir_;
    Tensor pixels_;
    Tensor cpuLogits_;

    VitModel open(BackendChoice b) const { return VitModel::fromCheckpoint(Checkpoint::open(vitDir_, {b})); }

    // One faulted run on a model loaded for Vulkan: the CPU's answer, a reason that names the fault,
    // and later runs stay on the CPU.
    void checkFault(const char* fault, const char* named)
    {
        if (!vulkanDevice()) QSKIP(qPrintable("no Vulkan device: " + QString::fromStdString(vulkanStatus())));
        QElapsedTimer timer;
        timer.start();
        const VitModel model = open(BackendChoice::Vulkan);
        {
            EnvVar env("LOUPE_FAULT", fault);
            const Tensor logits = model.forward(pixels_).logits;
            QCOMPARE(maxAbsDiff(logits, cpuLogits_), 0.0);
        }
        const ExecutionRecord r = lastExecution();
        QCOMPARE(r.backend, std::string("cpu"));
        QCOMPARE(r.device, std::string("cpu"));
        QVERIFY2(r.fallbackReason.find(named) != std::string::npos, r.fallbackReason.c_str());
        QVERIFY2(r.fallbackReason.find(vulkanDevice()->label()) != std::string::npos,
                 r.fallbackReason.c_str());
        QCOMPARE(&model.scheduler().device(), &cpuDevice());
        // The fault is gone, but a device that failed once is not trusted again.
        QCOMPARE(maxAbsDiff(model.forward(pixels_).logits, cpuLogits_), 0.0);
        QCOMPARE(lastExecution().backend, std::string("cpu"));
        QVERIFY(!lastExecution().fallbackReason.empty());
        QVERIFY2(timer.elapsed() < 60000, "a faulted run must not hang");
    }

private slots:
    void initTestCase()
    {
        vitDir_ = loupe::test::goldenDir(QStringLiteral("vit_classify")).toStdString();
        const SafetensorsFile expected = SafetensorsFile::open(vitDir_ + "/expected.safetensors");
        const TensorView& v = expected.tensor("pixel_values");
        pixels_ = Tensor::fromF32(v.shape, toF32(v));
        cpuLogits_ = open(BackendChoice::Cpu).forward(pixels_).logits;
        QCOMPARE(lastExecution().backend, std::string("cpu"));
        QVERIFY(lastExecution().fallbackReason.empty());
    }

    void resolution()
    {
        QCOMPARE(resolveDevice(BackendChoice::Cpu).device, &cpuDevice());
        QVERIFY(resolveDevice(BackendChoice::Cpu).reason.empty());
        const DeviceResolution a = resolveDevice(BackendChoice::Auto);
        QVERIFY(!a.why.empty());
        QVERIFY(a.reason.empty());
        // Auto never takes a CPU implementation of Vulkan (lavapipe): the CPU backend is faster.
        QVERIFY(a.device->kind() != DeviceKind::Cpu || a.device == &cpuDevice());
        const std::vector<Device*> all = devices();
        QCOMPARE(all.front(), &cpuDevice());
        if (Device* vk = vulkanDevice()) {
            QVERIFY(std::find(all.begin(), all.end(), vk) != all.end());
            QCOMPARE(resolveDevice(BackendChoice::Vulkan).device, vk);
            if (vk->kind() == DeviceKind::Cpu) QCOMPARE(a.device, &cpuDevice());
        }
        // CUDA is not built or has no GPU here: asked for, it lands on the CPU with the reason.
        const DeviceResolution c = resolveDevice(BackendChoice::Cuda);
        if (c.device == &cpuDevice()) QVERIFY(c.reason.find("cuda") != std::string::npos);
    }

    void splitWhereAnOpIsMissing()
    {
        const Graph g = attentionLike();
        std::vector<float> xs(24);
        for (size_t i = 0; i < xs.size(); ++i)
            xs[i] = std::sin(float(i));
        const Tensor x = Tensor::fromF32({2, 3, 4}, xs);
        bool split = true;
        const auto whole = runOn(cpuDevice(), g, x, &split);
        QVERIFY(!split);
        for (Op missing : {Op::Softmax, Op::MatMul, Op::Linear, Op::Add}) {
            DeviceWithoutOp fake(missing);
            const auto parts = runOn(fake, g, x, &split);
            QVERIFY2(split, opName(missing));
            QCOMPARE(parts.size(), whole.size());
            for (const auto& [key, value] : whole) {
                QVERIFY2(parts.count(key), key.c_str());
                // Views and packed copies take different GEMM paths: rounding, not a different answer.
                QVERIFY2(maxAbsDiff(parts.at(key), value) < 1e-6, key.c_str());
            }
        }
    }

    void graphCacheEntriesArePerDevice()
    {
        GraphCache cache(4);
        int builds = 0;
        auto build = [&] {
            ++builds;
            return attentionLike();
        };
        DeviceWithoutOp fake(Op::Softmax);
        auto onCpu = cache.get("k", build, cpuDevice());
        auto onFake = cache.get("k", build, fake);
        QCOMPARE(builds, 2);
        QVERIFY(onCpu.get() != onFake.get());
        QCOMPARE(onCpu->device, &cpuDevice());
        QVERIFY(onCpu->segments.empty() && onCpu->arena);
        QVERIFY(onFake->segments.size() > 1 && !onFake->arena);
        QCOMPARE(cache.get("k", build, fake).get(), onFake.get());
        cache.drop(fake);
        QCOMPARE(cache.size(), size_t(1));
        QCOMPARE(cache.get("k", build, cpuDevice()).get(), onCpu.get());
    }

    void vulkanRunRecordsTheDevice()
    {
        Device* vk = vulkanDevice();
        if (!vk) QSKIP(qPrintable("no Vulkan device: " + QString::fromStdString(vulkanStatus())));
        const VitModel model = open(BackendChoice::Vulkan);
        const Tensor logits = model.forward(pixels_).logits;
        QVERIFY2(maxAbsDiff(logits, cpuLogits_) < 1e-4, "Vulkan logits differ from the CPU's");
        const ExecutionRecord r = lastExecution();
        QCOMPARE(r.backend, std::string("vulkan"));
        QCOMPARE(r.device, vk->label());
        QCOMPARE(r.precision, std::string("f32"));
        QVERIFY2(r.fallbackReason.empty(), r.fallbackReason.c_str());
        // Bad input is the caller's error, not the device's: it throws and the model stays put.
        QVERIFY_THROWS_EXCEPTION(Error, model.forward(Tensor::zeros(DType::F32, {1, 3, 8, 8})));
        QCOMPARE(&model.scheduler().device(), vk);
        QVERIFY(model.scheduler().fallbackReason().empty());
    }

    void vulkanOpMissingRunsOnTheCpu()
    {
        if (!vulkanDevice()) QSKIP(qPrintable("no Vulkan device: " + QString::fromStdString(vulkanStatus())));
        EnvVar env("LOUPE_VULKAN_DISABLE_OPS", "softmax,layer_norm");
        const Graph g = attentionLike();
        const Tensor x = Tensor::fromF32({2, 3, 4}, std::vector<float>(24, 0.25f));
        bool split = false;
        const auto parts = runOn(*vulkanDevice(), g, x, &split);
        QVERIFY(split);
        const auto whole = runOn(cpuDevice(), g, x);
        for (const auto& [key, value] : whole)
            QVERIFY2(maxAbsDiff(parts.at(key), value) < 1e-5, key.c_str());
        // A whole model: every LayerNorm and softmax on the CPU, the rest on Vulkan, same answer.
        const VitModel model = open(BackendChoice::Vulkan);
        VitRunOptions o;
        o.attentions = true;
        const VitOutput out = model.forward(pixels_, o);
        QVERIFY(maxAbsDiff(out.logits, cpuLogits_) < 1e-4);
        QCOMPARE(out.attentions.size(), size_t(model.config().numHiddenLayers));
        QCOMPARE(lastExecution().backend, std::string("vulkan"));
    }

    void faultNoDriver()
    {
        EnvVar env("LOUPE_FAULT", "vulkan:no-driver");
        QVERIFY(vulkanDevice() == nullptr);
        QVERIFY(vulkanDeviceInfos().empty());
        const VitModel model = open(BackendChoice::Vulkan);
        QCOMPARE(maxAbsDiff(model.forward(pixels_).logits, cpuLogits_), 0.0);
        const ExecutionRecord r = lastExecution();
        QCOMPARE(r.backend, std::string("cpu"));
        QVERIFY2(r.fallbackReason.find("no Vulkan driver") != std::string::npos, r.fallbackReason.c_str());
    }
    void faultDeviceCreation() { checkFault("vulkan:create", "VK_ERROR_INITIALIZATION_FAILED"); }
    void faultOutOfMemory() { checkFault("vulkan:oom", "VK_ERROR_OUT_OF_DEVICE_MEMORY"); }
    void faultDeviceLost() { checkFault("vulkan:lost", "VK_ERROR_DEVICE_LOST"); }

    void faultsAreTypedDeviceErrors()
    {
        if (!vulkanDevice()) QSKIP(qPrintable("no Vulkan device: " + QString::fromStdString(vulkanStatus())));
        EnvVar env("LOUPE_FAULT", "vulkan:oom");
        try {
            vulkanDevice()->bufferType().allocate(1024);
            QFAIL("the injected allocation failure did not throw");
        } catch (const DeviceError& e) {
            QCOMPARE(e.failure(), DeviceFailure::OutOfMemory);
        }
    }

    void attributionOnAVulkanModel()
    {
        if (!vulkanDevice()) QSKIP(qPrintable("no Vulkan device: " + QString::fromStdString(vulkanStatus())));
        const VitModel model = open(BackendChoice::Vulkan);
        model.forward(pixels_);
        QCOMPARE(lastExecution().backend, std::string("vulkan"));
        VitGradientRequest req;
        req.attentions = true;
        const VitGradients gr = vitGradients(model, pixels_, {4}, req);
        QVERIFY(maxAbsDiff(gr.logits, cpuLogits_) < 1e-4);
        QCOMPARE(gr.attnGrads.size(), size_t(model.config().numHiddenLayers));
        // Gradients run as a gradient graph on the model's device, with nothing to explain.
        const ExecutionRecord r = lastExecution();
        QCOMPARE(r.backend, std::string("vulkan"));
        QVERIFY2(r.fallbackReason.empty(), r.fallbackReason.c_str());
    }

    // Models loaded one after another for Vulkan: the device keeps no weights of models that are gone.
    void deviceMemoryDoesNotPileUp()
    {
        Device* vk = vulkanDevice();
        if (!vk) QSKIP(qPrintable("no Vulkan device: " + QString::fromStdString(vulkanStatus())));
        auto inUse = [&] {
            for (const MemoryGauge& g : Profiler::memoryGauges())
                if (g.device == vk->label()) return g.inUse;
            return int64_t(-1);
        };
        int64_t first = 0;
        for (int i = 0; i < 4; ++i) {
            const VitModel model = open(BackendChoice::Vulkan);
            QVERIFY(maxAbsDiff(model.forward(pixels_).logits, cpuLogits_) < 1e-4);
            if (i == 0) first = inUse();
            QVERIFY2(inUse() <= first,
                     qPrintable(QString("%1 bytes in use after %2 loads, %3 after the first")
                                    .arg(inUse())
                                    .arg(i + 1)
                                    .arg(first)));
        }
        QVERIFY(first > 0);
    }

    void decoderGradientsOnAVulkanModel()
    {
        if (!vulkanDevice()) QSKIP(qPrintable("no Vulkan device: " + QString::fromStdString(vulkanStatus())));
        const std::string dir = loupe::test::goldenDir(QStringLiteral("vit_gpt2_caption")).toStdString();
        const auto model =
            VisionEncoderDecoderModel::fromCheckpoint(Checkpoint::open(dir, {BackendChoice::Vulkan}));
        const SafetensorsFile expected = SafetensorsFile::open(dir + "/expected.safetensors");
        const TensorView& v = expected.tensor("pixel_values");
        const Tensor states = model.encode(Tensor::fromF32(v.shape, toF32(v)));
        QCOMPARE(lastExecution().backend, std::string("vulkan"));
        const DecoderTokenGradients g = model.decoder().tokenGradients(model.decoderPrompt({}), states, 3);
        QVERIFY(g.encoderGrad.defined());
        QCOMPARE(lastExecution().backend, std::string("vulkan"));
        QVERIFY2(lastExecution().fallbackReason.empty(), lastExecution().fallbackReason.c_str());
    }
};

QTEST_GUILESS_MAIN(TestScheduler)
#include "tst_scheduler.moc"
