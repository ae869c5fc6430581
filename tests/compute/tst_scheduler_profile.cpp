// SPDX-License-Identifier: MIT
// The engine profiler sees Vulkan runs op by op: one event per computed node with its GPU time from
// timestamp queries, inside the run, and the device memory in use. Skips without a Vulkan device.
#include "common/testsupport.h"
#include "compute/backend/profiler.h"
#include "compute/backend/vulkan/vulkan_devices.h"
#include "compute/graph/graph_cache.h"
#include "compute/io/checkpoint.h"
#include "compute/io/safetensors.h"
#include "compute/models/vit.h"

#include <QTest>

using namespace loupe::compute;

class TestSchedulerProfile : public QObject
{
    Q_OBJECT
private slots:
    void vulkanOpsAreTimed()
    {
        Device* vk = vulkanDevice();
        if (!vk) QSKIP(qPrintable("no Vulkan device: " + QString::fromStdString(vulkanStatus())));
        const std::string dir = loupe::test::goldenDir(QStringLiteral("vit_classify")).toStdString();
        const SafetensorsFile expected = SafetensorsFile::open(dir + "/expected.safetensors");
        const TensorView& v = expected.tensor("pixel_values");
        const Tensor pixels = Tensor::fromF32(v.shape, toF32(v));
        const VitModel model = VitModel::fromCheckpoint(Checkpoint::open(dir, {BackendChoice::Vulkan}));
        model.forward(pixels); // warm: pipelines and weights
        Profiler::clear();
        Profiler::setEnabled(true);
        model.forward(pixels);
        Profiler::setEnabled(false);
        QCOMPARE(lastExecution().backend, std::string("vulkan"));
        const std::vector<ProfileRun> runs = Profiler::runs("vulkan");
        QCOMPARE(runs.size(), size_t(1));
        const ProfileRun& run = runs.front();
        QCOMPARE(run.device, vk->label());
        // The graph as compiled for the device (attention fused where nothing observes it).
        const Graph g = compileGraph(model.buildGraph(pixels.shape()), *vk)->graph;
        size_t computed = 0;
        for (const Node& n : g.nodes())
            computed += n.op != Op::Input && n.op != Op::Weight && n.op != Op::View;
        QCOMPARE(run.events.size(), computed);
        int64_t sum = 0;
        for (const ProfileEvent& e : run.events) {
            QVERIFY2(e.durationNs >= 0, e.node.c_str());
            QVERIFY2(e.startNs >= run.startNs, e.node.c_str());
            sum += e.durationNs;
        }
        QVERIFY(sum > 0);
        QVERIFY2(sum <= run.durationNs, "the ops' GPU time exceeds the run's wall time");
        bool sawLinear = false;
        for (const ProfileStat& s : Profiler::opStats("vulkan"))
            sawLinear = sawLinear || s.name == "linear";
        QVERIFY(sawLinear);
        bool gauge = false;
        for (const MemoryGauge& m : Profiler::memoryGauges())
            gauge = gauge || (m.device == vk->label() && m.inUse > 0);
        QVERIFY(gauge);
    }
};

QTEST_GUILESS_MAIN(TestSchedulerProfile)
#include "tst_scheduler_profile.moc"
