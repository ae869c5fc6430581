// SPDX-License-Identifier: MIT
// Device workers: graph runs on a GPU device go through one FIFO per device. Runs from four threads all
// give the CPU's answers on Vulkan (lavapipe here), the queue depth gauge shows them lined up and comes
// back to 0, the profiler tells how long each waited; a DeviceError thrown on the worker reaches the
// caller, so the scheduler still falls back to the CPU; a process that exits with a worker alive (a job
// running and one queued) ends. The queue itself is also tested on a fake device (the CPU under another
// name), so it runs without any GPU; the Vulkan and CUDA cases skip with a message where the device is
// missing.
#include "compute/backend/backend.h"
#include "compute/backend/cuda/cuda_devices.h"
#include "compute/backend/device_error.h"
#include "compute/backend/device_worker.h"
#include "compute/backend/profiler.h"
#include "compute/backend/scheduler.h"
#include "compute/backend/vulkan/vulkan_devices.h"
#include "compute/engine_options.h"
#include "compute/graph/graph_cache.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QTest>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

using namespace loupe::compute;
using namespace std::chrono_literals;

namespace {

const char* const kChildMode = "LOUPE_TEST_DEVICE_WORKER_EXIT";

// The CPU under another name: a device that gets a worker like a GPU, so the queue itself is tested on
// machines without any GPU.
class NotTheCpu final : public Device
{
public:
    std::string name() const override { return "fake"; }
    std::string description() const override { return "the CPU under another name"; }
    DeviceKind kind() const override { return DeviceKind::Other; }
    const BufferType& bufferType() const override { return cpuDevice().bufferType(); }
    bool supportsOp(const Node& n) const override { return cpuDevice().supportsOp(n); }
    std::unique_ptr<Backend> createBackend() override { return cpuDevice().createBackend(); }
};

Device& fakeGpu()
{
    static NotTheCpu device;
    return device;
}

// A linear layer, a softmax over a matmul of two views of it, and a residual: ops every backend has.
Graph smallGraph()
{
    Graph g;
    std::vector<float> ws(24);
    for (size_t i = 0; i < ws.size(); ++i)
        ws[i] = std::cos(float(i)) * 0.5f;
    NodeId x = g.input("x", {2, 3, 4});
    NodeId qk = g.linear(x, g.weight("w", Tensor::fromF32({6, 4}, ws)));
    NodeId q = g.asStrided(qk, {2, 3, 3}, {18, 6, 1}, 0);
    NodeId kt = g.asStrided(qk, {2, 3, 3}, {18, 1, 6}, 3);
    NodeId p = g.softmax(g.matmul(q, kt), 0.5);
    g.keep(g.name(g.add(g.matmul(p, q), q), "out"));
    return g;
}

Tensor inputFor(int seed)
{
    std::vector<float> xs(24);
    for (size_t i = 0; i < xs.size(); ++i)
        xs[i] = std::sin(float(i) * 0.7f + float(seed));
    return Tensor::fromF32({2, 3, 4}, xs);
}

Tensor runOn(CompiledGraph& c, const Tensor& x)
{
    GraphRun run;
    run.inputs["x"] = x;
    runCompiled(c, run);
    return run.kept.at("out");
}

double maxAbsDiff(const Tensor& a, const Tensor& b)
{
    const std::vector<float> x = a.toF32Vector(), y = b.toF32Vector();
    if (x.size() != y.size()) return INFINITY;
    double worst = 0;
    for (size_t i = 0; i < x.size(); ++i)
        worst = std::max(worst, std::isnan(x[i]) ? INFINITY : std::fabs(double(x[i]) - y[i]));
    return worst;
}

QueueGauge gaugeOf(const DeviceWorker& w)
{
    for (const QueueGauge& q : Profiler::queueDepths())
        if (q.name == w.name()) return q;
    return {};
}

// Polls `done` for up to 10 s; a worker that never picks a job up fails the test instead of hanging it.
template <typename F> bool eventually(F done)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > 10000) return false;
        std::this_thread::sleep_for(1ms);
    }
    return true;
}

// Holds the worker busy until release(), so the jobs queued meanwhile line up behind it.
class Gate
{
public:
    void wait()
    {
        std::unique_lock lock(m_);
        cv_.wait(lock, [&] { return open_; });
    }
    void release()
    {
        std::lock_guard lock(m_);
        open_ = true;
        cv_.notify_all();
    }

private:
    std::mutex m_;
    std::condition_variable cv_;
    bool open_ = false;
};

std::atomic<bool> g_queuedCallerWoke{false};

// Registered before the worker starts, so it runs after the worker's own exit handler has stopped it:
// the queued caller's thread then gets to say what it was told before the process is gone.
void waitForQueuedCaller()
{
    eventually([] { return g_queuedCallerWoke.load(); });
}

// The child process: starts the Vulkan worker with a graph run, leaves one job running and one queued,
// and returns from main. It must end, the queued caller told that the engine is shutting down.
int exitWithWorkerAlive()
{
    Device* vk = vulkanDevice();
    if (!vk) return 3;
    std::atexit(&waitForQueuedCaller);
    auto c = compileGraph(smallGraph(), *vk);
    runOn(*c, inputFor(0));
    DeviceWorker& w = DeviceWorker::of(*vk);
    std::thread([&w] { w.run([] { std::this_thread::sleep_for(300ms); }); }).detach();
    if (!eventually([&] { return w.running() == 1; })) return 4;
    std::thread([&w] {
        try {
            w.run([] {});
        } catch (const std::exception& e) {
            std::printf("queued job: %s\n", e.what());
            std::fflush(stdout);
        }
        g_queuedCallerWoke = true;
    }).detach();
    if (!eventually([&] { return w.waiting() == 1; })) return 5;
    std::puts("returning from main");
    std::fflush(stdout);
    return 0;
}

} // namespace

class TestDeviceWorker : public QObject
{
    Q_OBJECT

    Device* vulkan()
    {
        Device* vk = vulkanDevice();
        if (!vk) qWarning("no Vulkan device: %s", vulkanStatus().c_str());
        return vk;
    }

private slots:
    void init() { Profiler::clear(); }

    void fourThreadsShareOneOrderedQueue_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("fake") << QStringLiteral("fake");
        QTest::newRow("vulkan") << QStringLiteral("vulkan");
        QTest::newRow("cuda") << QStringLiteral("cuda");
    }

    // Runs from four threads line up behind a job that holds the worker, then all give the CPU's answer.
    void fourThreadsShareOneOrderedQueue()
    {
        QFETCH(QString, backend);
        Device* vk = backend == QLatin1String("fake")   ? &fakeGpu()
                     : backend == QLatin1String("cuda") ? cudaDevice()
                                                        : vulkanDevice();
        if (!vk)
            QSKIP(qPrintable("no device: " + QString::fromStdString(backend == QLatin1String("cuda")
                                                                        ? cudaStatus()
                                                                        : vulkanStatus())));
        constexpr int kThreads = 4, kRuns = 3;
        std::vector<Tensor> expected;
        for (int t = 0; t < kThreads; ++t)
            expected.push_back(runOn(*compileGraph(smallGraph(), cpuDevice()), inputFor(t)));
        std::vector<std::shared_ptr<CompiledGraph>> compiled;
        for (int t = 0; t < kThreads; ++t)
            compiled.push_back(compileGraph(smallGraph(), *vk));
        DeviceWorker& worker = DeviceWorker::of(*vk);
        Profiler::setEnabled(true);

        Gate gate;
        std::thread blocker([&] { worker.run([&] { gate.wait(); }); });
        QVERIFY(eventually([&] { return worker.running() == 1; }));
        std::vector<std::vector<Tensor>> got(kThreads);
        std::vector<std::string> errors(kThreads);
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t)
            threads.emplace_back([&, t] {
                try {
                    for (int r = 0; r < kRuns; ++r)
                        got[size_t(t)].push_back(runOn(*compiled[size_t(t)], inputFor(t)));
                } catch (const std::exception& e) {
                    errors[size_t(t)] = e.what();
                }
            });
        const bool lined = eventually([&] { return worker.waiting() == kThreads; });
        const QueueGauge busy = gaugeOf(worker);
        std::this_thread::sleep_for(30ms); // every first run waits at least this long
        gate.release();
        blocker.join();
        for (std::thread& t : threads)
            t.join();
        Profiler::setEnabled(false);

        QVERIFY(lined);
        QCOMPARE(busy.depth, kThreads + 1);
        QCOMPARE(busy.running, 1);
        for (int t = 0; t < kThreads; ++t) {
            QVERIFY2(errors[size_t(t)].empty(), errors[size_t(t)].c_str());
            QCOMPARE(int(got[size_t(t)].size()), kRuns);
            for (const Tensor& out : got[size_t(t)])
                QVERIFY2(maxAbsDiff(out, expected[size_t(t)]) < 1e-4, qPrintable(QString::number(t)));
        }
        const QueueGauge idle = gaugeOf(worker);
        QCOMPARE(idle.depth, 0);
        QCOMPARE(idle.running, 0);
        QVERIFY(idle.peak >= kThreads + 1);

        // Each run the worker computed says how long it waited and which thread queued it.
        int64_t longestWait = 0;
        int queuedRuns = 0;
        for (const ProfileRun& r : Profiler::runs()) {
            if (r.callerThread == 0) continue;
            ++queuedRuns;
            QVERIFY(r.callerThread != r.thread);
            longestWait = std::max(longestWait, r.queueWaitNs);
        }
        QCOMPARE(queuedRuns, kThreads * kRuns);
        QVERIFY2(longestWait >= 30'000'000, qPrintable(QString::number(longestWait)));
    }

    void deviceErrorReachesTheCaller()
    {
        DeviceWorker& worker = DeviceWorker::of(fakeGpu());
        bool onWorker = false;
        try {
            worker.run([&] {
                onWorker = worker.onWorkerThread();
                throw DeviceError(DeviceFailure::Lost, "test device", "lost on purpose");
            });
            QFAIL("no exception");
        } catch (const DeviceError& e) {
            QCOMPARE(e.failure(), DeviceFailure::Lost);
            QVERIFY2(std::string(e.what()).find("lost on purpose") != std::string::npos, e.what());
        }
        QVERIFY(onWorker);
        QCOMPARE(gaugeOf(worker).depth, 0);
        // The worker goes on with the next job.
        int ran = 0;
        worker.run([&] { ++ran; });
        QCOMPARE(ran, 1);
    }

    void lostDeviceOnTheWorkerFallsBackToTheCpu()
    {
        Device* vk = vulkan();
        if (!vk) QSKIP("no Vulkan device");
        const Tensor expected = runOn(*compileGraph(smallGraph(), cpuDevice()), inputFor(7));
        Scheduler scheduler(BackendChoice::Vulkan);
        QCOMPARE(&scheduler.device(), vk);
        setenv("LOUPE_FAULT", "vulkan:lost", 1);
        GraphRun run;
        run.inputs["x"] = inputFor(7);
        try {
            scheduler.run(smallGraph(), run);
        } catch (const std::exception& e) {
            unsetenv("LOUPE_FAULT");
            QFAIL(e.what());
        }
        unsetenv("LOUPE_FAULT");
        QCOMPARE(maxAbsDiff(run.kept.at("out"), expected), 0.0);
        QCOMPARE(lastExecution().backend, std::string("cpu"));
        QVERIFY2(lastExecution().fallbackReason.find("VK_ERROR_DEVICE_LOST") != std::string::npos,
                 lastExecution().fallbackReason.c_str());
        QCOMPARE(&scheduler.device(), &cpuDevice());
    }

    void aJobThatRunsAnotherGraphDoesNotWaitForItself()
    {
        auto c = compileGraph(smallGraph(), fakeGpu());
        const Tensor expected = runOn(*compileGraph(smallGraph(), cpuDevice()), inputFor(2));
        Tensor inner;
        DeviceWorker::of(fakeGpu()).run([&] { inner = runOn(*c, inputFor(2)); });
        QVERIFY(maxAbsDiff(inner, expected) < 1e-4);
    }

    void cpuRunsStayOnTheCallingThread()
    {
        Profiler::setEnabled(true);
        runOn(*compileGraph(smallGraph(), cpuDevice()), inputFor(1));
        Profiler::setEnabled(false);
        const std::vector<ProfileRun> runs = Profiler::runs("cpu");
        QCOMPARE(runs.size(), size_t(1));
        QCOMPARE(runs.front().thread, Profiler::threadIndex());
        QCOMPARE(runs.front().callerThread, 0);
    }

    void exitWithAWorkerAliveEnds()
    {
        if (!vulkan()) QSKIP("no Vulkan device");
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QString::fromLatin1(kChildMode), QStringLiteral("1"));
        child.setProcessEnvironment(env);
        child.start(QCoreApplication::applicationFilePath(), {});
        QVERIFY(child.waitForStarted());
        const bool ended = child.waitForFinished(60000);
        if (!ended) child.kill();
        const QString out = QString::fromUtf8(child.readAllStandardOutput());
        QVERIFY2(ended, "the process hung at exit");
        QCOMPARE(child.exitStatus(), QProcess::NormalExit);
        QVERIFY2(child.exitCode() == 0, qPrintable(out + QString::fromUtf8(child.readAllStandardError())));
        QVERIFY2(out.contains(QLatin1String("returning from main")), qPrintable(out));
        QVERIFY2(out.contains(QLatin1String("queued job: ")) && out.contains(QLatin1String("shutting down")),
                 qPrintable(out));
    }
};

int main(int argc, char** argv)
{
    if (std::getenv(kChildMode)) return exitWithWorkerAlive();
    QCoreApplication app(argc, argv);
    TestDeviceWorker test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_device_worker.moc"
