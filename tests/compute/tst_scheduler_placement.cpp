// SPDX-License-Identifier: MIT
// Placement around a device's limits: a weight larger than one Vulkan storage buffer keeps the ops that
// read it on the CPU while the rest of the model stays on the device (before, the whole model fell back).
#include "compute/backend/graph_segments.h"
#include "compute/backend/scheduler.h"
#include "compute/backend/vulkan/vulkan_devices.h"
#include "compute/engine_options.h"

#include <QTest>
#include <cmath>

using namespace loupe::compute;

class TestSchedulerPlacement : public QObject
{
    Q_OBJECT
private slots:
    void weightOverTheBufferLimitRunsItsOpOnTheCpu()
    {
        Device* vk = vulkanDevice();
        if (!vk) QSKIP(qPrintable("no Vulkan device: " + QString::fromStdString(vulkanStatus())));
        // 40,000 x 1,024 f32 = 164 MB: over lavapipe's 128 MiB binding. A device with a larger limit takes
        // it whole, which is right too: then the split below has a single device.
        const int64_t N = 40000, K = 1024;
        Tensor w = Tensor::empty(DType::F32, {N, K});
        for (int64_t i = 0; i < N * K; ++i)
            w.ptr<float>()[i] = float((i * 7) % 13 - 6) * 1e-3f;
        Graph g;
        const NodeId x = g.input("x", {2, K});
        const NodeId y = g.linear(x, g.weight("lm_head", w));
        const NodeId z = g.add(g.activation(y, Activation::Relu), g.input("b", {2, N}));
        g.keep(g.name(z, "out"));
        Tensor xv = Tensor::empty(DType::F32, {2, K}), bv = Tensor::empty(DType::F32, {2, N});
        for (int64_t i = 0; i < 2 * K; ++i)
            xv.ptr<float>()[i] = float(i % 5) - 2.f;
        for (int64_t i = 0; i < 2 * N; ++i)
            bv.ptr<float>()[i] = float(i % 3);
        const bool fits = vk->supportsOp(g.node(g.storageRoot(g.find("lm_head"))));
        const auto segments = splitGraph(g, *vk);
        if (!fits) {
            QVERIFY(segments.size() >= 2);
            QCOMPARE(segments.front().device, &cpuDevice()); // the linear, where its weight lives
            QCOMPARE(segments.back().device, vk);            // the rest on the device
        }
        Scheduler cpu(BackendChoice::Cpu), dev(BackendChoice::Vulkan);
        GraphRun a, b;
        a.inputs = b.inputs = {{"x", xv}, {"b", bv}};
        cpu.run(g, a);
        dev.run(g, b);
        QCOMPARE(lastExecution().backend, std::string("vulkan"));
        QVERIFY2(lastExecution().fallbackReason.empty(), lastExecution().fallbackReason.c_str());
        const Tensor& ra = a.kept.at("out");
        const Tensor& rb = b.kept.at("out");
        double worst = 0;
        for (int64_t i = 0; i < ra.numel(); ++i)
            worst = std::max(worst, double(std::fabs(ra.ptr<float>()[i] - rb.ptr<float>()[i])));
        QVERIFY2(worst <= 1e-4, qPrintable(QString::number(worst)));
    }
};

QTEST_APPLESS_MAIN(TestSchedulerPlacement)
#include "tst_scheduler_placement.moc"
