// SPDX-License-Identifier: MIT
// Vulkan's f16 path: a model asked for f16 (or bf16, which Vulkan computes as f16) keeps its Linear
// weights in f16 with f32 arithmetic, within an f16 error bound of the CPU's f32 answer, and says so
// in lastExecution();
// LOUPE_VULKAN_NO_F16=1 turns it off. Skips with a message without a Vulkan device (CI: lavapipe).
#include "common/testsupport.h"
#include "compute/backend/scheduler.h"
#include "compute/backend/vulkan/vulkan_devices.h"
#include "compute/graph/graph_cache.h"
#include "compute/io/checkpoint.h"
#include "compute/io/safetensors.h"
#include "compute/models/vit.h"

#include <QTest>
#include <cmath>
#include <cstdlib>

using namespace loupe::compute;

namespace {

double maxAbsDiff(const Tensor& a, const Tensor& b)
{
    const std::vector<float> x = a.toF32Vector(), y = b.toF32Vector();
    if (x.size() != y.size()) return INFINITY;
    double worst = 0;
    for (size_t i = 0; i < x.size(); ++i)
        worst = std::max(worst, std::isnan(x[i]) ? INFINITY : std::fabs(double(x[i]) - y[i]));
    return worst;
}

std::vector<float> wave(size_t n, float f)
{
    std::vector<float> v(n);
    for (size_t i = 0; i < n; ++i)
        v[i] = std::sin(f * float(i) + 0.3f);
    return v;
}

} // namespace

class TestSchedulerF16 : public QObject
{
    Q_OBJECT

    std::string dir_;
    Tensor pixels_, f32Logits_;

private slots:
    void initTestCase()
    {
        if (!vulkanDevice()) QSKIP(qPrintable("no Vulkan device: " + QString::fromStdString(vulkanStatus())));
        unsetenv("LOUPE_VULKAN_NO_F16");
        dir_ = loupe::test::goldenDir(QStringLiteral("vit_classify")).toStdString();
        const SafetensorsFile expected = SafetensorsFile::open(dir_ + "/expected.safetensors");
        const TensorView& v = expected.tensor("pixel_values");
        pixels_ = Tensor::fromF32(v.shape, toF32(v));
        f32Logits_ = VitModel::fromCheckpoint(Checkpoint::open(dir_, {BackendChoice::Cpu, Precision::F32}))
                         .forward(pixels_)
                         .logits;
    }

    // A ViT-sized Linear (odd sizes, bias and residual) in f16 weights against the CPU in f32: each
    // output within 2^-10 of the sum of |x| |w| over its dot product (the weights' f16 rounding).
    void linearWithinF16Bound()
    {
        const int64_t M = 70, K = 96, N = 130;
        const Tensor x = Tensor::fromF32({3, M, K}, wave(size_t(3 * M * K), 0.37f));
        const Tensor w = Tensor::fromF32({N, K}, wave(size_t(N * K), 0.11f));
        const Tensor b = Tensor::fromF32({N}, wave(size_t(N), 0.5f));
        Graph g;
        const NodeId in = g.input("x", {3, M, K});
        const NodeId y = g.linear(in, g.weight("w", w), g.weight("b", b), Activation::None);
        g.keep(y);
        auto run = [&](Device& d, Precision p, GraphRun& r) {
            auto c = compileGraph(g, d);
            r.inputs["x"] = x;
            r.precision = p;
            runCompiled(*c, r);
            return r.kept.begin()->second;
        };
        GraphRun cpuRun, halfRun, fullRun;
        const Tensor cpu = run(cpuDevice(), Precision::F32, cpuRun);
        const Tensor half = run(*vulkanDevice(), Precision::F16, halfRun);
        const Tensor full = run(*vulkanDevice(), Precision::F32, fullRun);
        QCOMPARE(halfRun.precisionUsed, std::string("f16"));
        QCOMPARE(fullRun.precisionUsed, std::string("f32"));
        double bound = 0;
        const std::vector<float> xs = x.toF32Vector(), ws = w.toF32Vector();
        for (int64_t m = 0; m < 3 * M; ++m)
            for (int64_t n = 0; n < N; ++n) {
                double s = 0;
                for (int64_t k = 0; k < K; ++k)
                    s += std::fabs(xs[size_t(m * K + k)] * ws[size_t(n * K + k)]);
                bound = std::max(bound, s);
            }
        bound *= std::ldexp(1.0, -10);
        const double err = maxAbsDiff(half, cpu);
        QVERIFY2(err <= bound, qPrintable(QString("f16 error %1 above the bound %2").arg(err).arg(bound)));
        QVERIFY2(err > 0, "the f16 path gave the f32 answer bit for bit: the weights were not f16");
        QVERIFY(maxAbsDiff(full, cpu) < 1e-4);
    }

    void modelInF16()
    {
        const VitModel model =
            VitModel::fromCheckpoint(Checkpoint::open(dir_, {BackendChoice::Vulkan, Precision::F16}));
        const Tensor logits = model.forward(pixels_).logits;
        const ExecutionRecord r = lastExecution();
        QCOMPARE(r.backend, std::string("vulkan"));
        QCOMPARE(r.precision, std::string("f16"));
        QVERIFY2(r.fallbackReason.empty(), r.fallbackReason.c_str());
        const double err = maxAbsDiff(logits, f32Logits_);
        QVERIFY2(err < 1e-2, qPrintable(QString("f16 logits off by %1").arg(err)));
        QVERIFY(err > 0);
    }

    void bf16IsComputedAsF16()
    {
        const VitModel model =
            VitModel::fromCheckpoint(Checkpoint::open(dir_, {BackendChoice::Vulkan, Precision::BF16}));
        const Tensor logits = model.forward(pixels_).logits;
        const ExecutionRecord r = lastExecution();
        QCOMPARE(r.backend, std::string("vulkan"));
        QCOMPARE(r.precision, std::string("f16"));
        QVERIFY2(r.fallbackReason.find("bf16") != std::string::npos, r.fallbackReason.c_str());
        // bf16 weights (as the checkpoint was asked to hold them) read as f16: bf16's own rounding.
        const double err = maxAbsDiff(logits, f32Logits_);
        QVERIFY2(err < 5e-2, qPrintable(QString("bf16-as-f16 logits off by %1").arg(err)));
    }

    // int8 weights are read back as f32 on Vulkan: recorded as f32, with the reason, never silently.
    void int8IsComputedAsF32WithItsReason()
    {
        const VitModel model =
            VitModel::fromCheckpoint(Checkpoint::open(dir_, {BackendChoice::Vulkan, Precision::Int8}));
        const Tensor logits = model.forward(pixels_).logits;
        const ExecutionRecord r = lastExecution();
        QCOMPARE(r.backend, std::string("vulkan"));
        QCOMPARE(r.precision, std::string("f32"));
        QVERIFY2(r.fallbackReason.find("int8") != std::string::npos, r.fallbackReason.c_str());
        const double err = maxAbsDiff(logits, f32Logits_);
        QVERIFY2(err < 0.1, qPrintable(QString("int8 logits off by %1").arg(err)));
    }

    void killSwitch()
    {
        setenv("LOUPE_VULKAN_NO_F16", "1", 1);
        const VitModel model =
            VitModel::fromCheckpoint(Checkpoint::open(dir_, {BackendChoice::Vulkan, Precision::F16}));
        const Tensor logits = model.forward(pixels_).logits;
        unsetenv("LOUPE_VULKAN_NO_F16");
        const ExecutionRecord r = lastExecution();
        QCOMPARE(r.backend, std::string("vulkan"));
        QCOMPARE(r.precision, std::string("f32"));
        QVERIFY2(r.fallbackReason.find("LOUPE_VULKAN_NO_F16") != std::string::npos, r.fallbackReason.c_str());
        // The weights are what an f16 checkpoint holds; Vulkan computes with them in f32, as the CPU does.
        const Tensor cpu =
            VitModel::fromCheckpoint(Checkpoint::open(dir_, {BackendChoice::Cpu, Precision::F16}))
                .forward(pixels_)
                .logits;
        const double err = maxAbsDiff(logits, cpu);
        QVERIFY2(err < 1e-2, qPrintable(QString("f32 over f16 weights off by %1 from the CPU's").arg(err)));
    }
};

QTEST_GUILESS_MAIN(TestSchedulerF16)
#include "tst_scheduler_f16.moc"
