// SPDX-License-Identifier: MIT
// The engine profiler: the CPU backend records each computed node only while the profiler is on, with
// its op, name, layer and output size; runs are kept in a bounded ring per backend and summed per op and
// per layer; arenas show as CPU memory in use and peak; the Chrome trace is valid Trace Event Format
// JSON naming the nodes, and an unwritable path is an error naming it. NVML is absent on CI machines.
#include "compute/backend/backend.h"
#include "compute/backend/nvml/nvml_monitor.h"
#include "compute/backend/profiler.h"
#include "compute/error.h"
#include "compute/graph/planner.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace loupe::compute;

namespace {

// Two "blocks" of (x + 1) * 2, an unnamed Cont inside block 1, and a head outside any block.
Graph blocks(int64_t n)
{
    Graph g;
    NodeId x = g.input("x", {2, n});
    const NodeId one = g.weight("one", Tensor::fromF32({1}, std::vector<float>{1.f}));
    const NodeId two = g.weight("two", Tensor::fromF32({1}, std::vector<float>{2.f}));
    for (int i = 0; i < 2; ++i) {
        const std::string p = "blk." + std::to_string(i) + ".";
        x = g.name(g.add(x, one), p + "plus");
        if (i == 1) x = g.cont(g.permute(x, {1, 0})); // unnamed: belongs to block 1
        x = g.name(g.mul(x, two), p + "out");
    }
    g.keep(g.name(g.softmax(x), "head"));
    return g;
}

void runOnce(const Graph& g, int64_t n)
{
    const MemoryPlan plan = planMemory(g);
    auto backend = cpuDevice().createBackend();
    auto arena = cpuDevice().bufferType().allocate(plan.arenaBytes);
    GraphRun run;
    run.inputs["x"] = Tensor::zeros(DType::F32, {2, n});
    backend->compute(g, plan, *arena, run);
}

} // namespace

class TestProfiler : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        Profiler::setEnabled(false);
        Profiler::setRunsKept(16);
        Profiler::clear();
    }

    void layerNames()
    {
        QCOMPARE(layerOfNodeName("blk.12.attn_probs"), 12);
        QCOMPARE(layerOfNodeName("blk.0.out"), 0);
        QCOMPARE(layerOfNodeName("vision.blk.3.qkv"), 3);
        QCOMPARE(layerOfNodeName("blk.x.out"), -1);
        QCOMPARE(layerOfNodeName("blk.7x"), -1);
        QCOMPARE(layerOfNodeName("final_norm"), -1);
        QCOMPARE(layerOfNodeName(""), -1);
    }

    void offRecordsNothing()
    {
        const uint64_t before = Profiler::generation();
        runOnce(blocks(8), 8);
        QCOMPARE(Profiler::generation(), before);
        QVERIFY(Profiler::runs().empty());
        QVERIFY(Profiler::backends().empty());
    }

    void recordsEveryComputedNode()
    {
        Profiler::setEnabled(true);
        const Graph g = blocks(8);
        runOnce(g, 8);
        Profiler::setEnabled(false);
        const auto runs = Profiler::runs("cpu");
        QCOMPARE(int(runs.size()), 1);
        const ProfileRun& r = runs.front();
        QCOMPARE(r.backend, std::string("cpu"));
        QCOMPARE(r.device, std::string("cpu"));
        QVERIFY(r.durationNs > 0);
        std::vector<std::string> names;
        for (const ProfileEvent& e : r.events) {
            names.push_back(e.node);
            QVERIFY(e.startNs >= r.startNs);
            QVERIFY(e.durationNs >= 0);
        }
        // Inputs, weights and views compute nothing and are not events.
        const std::vector<std::string> expected = {"blk.0.plus", "blk.0.out", "blk.1.plus",
                                                   "node.7",     "blk.1.out", "head"};
        QCOMPARE(names, expected);
        QCOMPARE(r.events[0].op, std::string("add"));
        QCOMPARE(r.events[3].op, std::string("cont"));
        QCOMPARE(r.events[3].layer, 1); // unnamed node inside block 1
        QCOMPARE(r.events[5].layer, -1);
        QCOMPARE(r.events[5].shape, std::string("[8, 2]"));
        QCOMPARE(r.events[5].bytesOut, uint64_t(8 * 2 * 4));
    }

    void ringAndAggregates()
    {
        Profiler::setRunsKept(3);
        Profiler::setEnabled(true);
        const Graph g = blocks(64);
        for (int i = 0; i < 5; ++i)
            runOnce(g, 64);
        Profiler::setEnabled(false);
        const auto runs = Profiler::runs("cpu");
        QCOMPARE(int(runs.size()), 3);
        QVERIFY(runs[0].id < runs[1].id && runs[1].id < runs[2].id);
        QCOMPARE(Profiler::backends(), std::vector<std::string>{"cpu"});

        const auto ops = Profiler::opStats("cpu");
        std::map<std::string, int64_t> calls;
        double share = 0;
        for (const ProfileStat& s : ops) {
            calls[s.name] = s.calls;
            share += s.share;
        }
        QCOMPARE(calls["add"], int64_t(2 * 3));
        QCOMPARE(calls["mul"], int64_t(2 * 3));
        QCOMPARE(calls["cont"], int64_t(3));
        QCOMPARE(calls["softmax"], int64_t(3));
        QVERIFY(share > 0.999 && share < 1.001);
        for (size_t i = 1; i < ops.size(); ++i)
            QVERIFY(ops[i - 1].totalNs >= ops[i].totalNs);

        const auto layers = Profiler::layerStats("cpu");
        QCOMPARE(int(layers.size()), 3);
        QCOMPARE(layers[0].layer, -1);
        QCOMPARE(layers[0].calls, int64_t(3)); // the head
        QCOMPARE(layers[1].name, std::string("layer 0"));
        QCOMPARE(layers[1].calls, int64_t(2 * 3));
        QCOMPARE(layers[2].calls, int64_t(3 * 3));
        QVERIFY(Profiler::opStats("vulkan").empty());
    }

    void memoryInUseAndPeak()
    {
        auto gauge = [] {
            for (const MemoryGauge& g : Profiler::memoryGauges())
                if (g.device == "cpu") return g;
            return MemoryGauge{};
        };
        const int64_t before = gauge().inUse;
        {
            auto a = cpuDevice().bufferType().allocate(1 << 20);
            QCOMPARE(gauge().inUse, before + (1 << 20));
            QVERIFY(gauge().peak >= before + (1 << 20));
        }
        QCOMPARE(gauge().inUse, before);
        Profiler::memory("gpu0", 500);
        Profiler::memory("gpu0", 200);
        Profiler::adjustMemory("gpu0", 50);
        for (const MemoryGauge& g : Profiler::memoryGauges())
            if (g.device == "gpu0") {
                QCOMPARE(g.inUse, int64_t(250));
                QCOMPARE(g.peak, int64_t(500));
            }
        Profiler::setQueueDepth("cuda worker", 3);
        QCOMPARE(Profiler::queueDepths().front().depth, 3);
    }

    void queueDepthKeepsRunningAndPeak()
    {
        Profiler::setQueueDepth("test queue", 4, 1);
        Profiler::setQueueDepth("test queue", 0, 0);
        const auto find = [] {
            for (const QueueGauge& q : Profiler::queueDepths())
                if (q.name == "test queue") return q;
            return QueueGauge{};
        };
        QCOMPARE(find().depth, 0);
        QCOMPARE(find().peak, 4);
        Profiler::setQueueDepth("test queue", 2, 1);
        QCOMPARE(find().running, 1);
        QCOMPARE(find().peak, 4);
    }

    // A wait noted by a device worker goes to the first run the job files, not to later ones, and the
    // trace shows it as an event of its own on the queuing thread's tid.
    void queueWaitGoesToTheNextRunAndTheTrace()
    {
        Profiler::setEnabled(true);
        Profiler::noteQueueWait(1000, 250000, 42);
        runOnce(blocks(4), 4); // the job's first run
        runOnce(blocks(4), 4); // a later segment of the same job
        Profiler::noteQueueWait(0, 0, 0);
        runOnce(blocks(4), 4); // a run on its own thread
        Profiler::setEnabled(false);
        const std::vector<ProfileRun> runs = Profiler::runs("cpu");
        QCOMPARE(runs.size(), size_t(3));
        QCOMPARE(runs[0].queueWaitNs, int64_t(250000));
        QCOMPARE(runs[0].queuedNs, int64_t(1000));
        QCOMPARE(runs[0].callerThread, 42);
        QCOMPARE(runs[1].callerThread, 0);
        QCOMPARE(runs[2].callerThread, 0);
        const QJsonDocument doc =
            QJsonDocument::fromJson(QByteArray::fromStdString(Profiler::chromeTraceJson()));
        int waits = 0;
        for (const auto& v : doc.object().value(QLatin1String("traceEvents")).toArray()) {
            const QJsonObject e = v.toObject();
            if (e.value(QLatin1String("name")).toString() != QLatin1String("queue wait")) continue;
            ++waits;
            QCOMPARE(e.value(QLatin1String("ph")).toString(), QStringLiteral("X"));
            QCOMPARE(e.value(QLatin1String("tid")).toInt(), 42);
            QCOMPARE(e.value(QLatin1String("ts")).toDouble(), 1.0);
            QCOMPARE(e.value(QLatin1String("dur")).toDouble(), 250.0);
        }
        QCOMPARE(waits, 1);
    }

    void chromeTrace()
    {
        Profiler::setEnabled(true);
        runOnce(blocks(8), 8);
        Profiler::setEnabled(false);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("trace.json"));
        Profiler::writeChromeTrace(path.toStdString());
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        const QJsonArray events = doc.object().value(QLatin1String("traceEvents")).toArray();
        QStringList nodes;
        bool processNamed = false;
        for (const auto& v : events) {
            const QJsonObject e = v.toObject();
            const QString ph = e.value(QLatin1String("ph")).toString();
            if (ph == QLatin1String("M") &&
                e.value(QLatin1String("name")).toString() == QLatin1String("process_name"))
                processNamed = e.value(QLatin1String("args"))
                                   .toObject()
                                   .value(QLatin1String("name"))
                                   .toString()
                                   .startsWith(QLatin1String("cpu"));
            if (ph != QLatin1String("X") ||
                e.value(QLatin1String("cat")).toString() == QLatin1String("graph"))
                continue;
            QCOMPARE(e.value(QLatin1String("pid")).toInt(), 1);
            QVERIFY(e.value(QLatin1String("tid")).toInt() >= 1);
            QVERIFY(e.value(QLatin1String("dur")).toDouble() >= 0);
            const QJsonObject args = e.value(QLatin1String("args")).toObject();
            QCOMPARE(args.value(QLatin1String("node")).toString(), e.value(QLatin1String("name")).toString());
            QVERIFY(!args.value(QLatin1String("shape")).toString().isEmpty());
            nodes << args.value(QLatin1String("node")).toString();
        }
        QVERIFY(processNamed);
        QCOMPARE(nodes, QStringList({QStringLiteral("blk.0.plus"), QStringLiteral("blk.0.out"),
                                     QStringLiteral("blk.1.plus"), QStringLiteral("node.7"),
                                     QStringLiteral("blk.1.out"), QStringLiteral("head")}));
    }

    void unwritableTraceNamesTheFile()
    {
        const std::string path = "/nonexistent-folder/trace.json";
        try {
            Profiler::writeChromeTrace(path);
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find(path) != std::string::npos, e.what());
            QVERIFY2(std::string(e.what()).find("cannot write the trace") != std::string::npos, e.what());
        }
    }

    void nvmlAbsentSaysWhy()
    {
        const NvmlReading r = readNvml();
        if (r.available) QSKIP("an NVIDIA driver is present here");
        QVERIFY(r.gpus.empty());
        QVERIFY2(!r.reason.empty(), "an unavailable NVML gives a reason");
    }
};

QTEST_APPLESS_MAIN(TestProfiler)
#include "tst_profiler.moc"
