// SPDX-License-Identifier: MIT
#include "compute/backend/scheduler.h"

#include "compute/backend/device_choice.h"
#include "compute/backend/device_error.h"
#include "compute/backend/device_worker.h"

#include <map>
#include <memory>

namespace loupe::compute {

namespace {

// One backend per device and thread: a backend holds per-run scratch (the CPU's thread-local
// buffers, Vulkan's input uploads). GPU backends only ever live on their device's worker thread.
Backend& backendFor(Device& d)
{
    thread_local std::map<Device*, std::unique_ptr<Backend>> backends;
    auto& b = backends[&d];
    if (!b) b = d.createBackend();
    return *b;
}

void computeHere(CompiledGraph& c, GraphRun& run)
{
    std::lock_guard lock(c.runMutex);
    if (c.segments.empty())
        backendFor(*c.device).compute(c.graph, c.plan, *c.arena, run);
    else
        runSegments(c.segments, c.graph, run, &backendFor);
}

} // namespace

void runCompiled(CompiledGraph& c, GraphRun& run)
{
    // The CPU computes on the calling thread (oneDNN and OpenMP own the CPU's threads); a GPU graph,
    // segmented or not, goes to its device's worker, which also runs its CPU segments in order.
    if (c.device == &cpuDevice()) {
        computeHere(c, run);
        return;
    }
    DeviceWorker::of(*c.device).run([&] { computeHere(c, run); });
}

Scheduler::Scheduler(BackendChoice choice, Precision precision, std::string precisionNote)
    : choice_(choice), precision_(precision), precisionNote_(std::move(precisionNote))
{
    DeviceResolution r = resolveDevice(choice);
    device_ = r.device;
    reason_ = std::move(r.reason);
}

Device& Scheduler::device() const
{
    std::lock_guard lock(mutex_);
    return *device_;
}

std::string Scheduler::fallbackReason() const
{
    std::lock_guard lock(mutex_);
    return reason_;
}

ExecutionRecord Scheduler::record(const Device& d, const GraphRun* run) const
{
    ExecutionRecord r;
    r.backend = backendOf(d);
    r.device = deviceLabel(d);
    // GPU backends compute f32 today whatever the model asked for; the CPU computes what the
    // model's weights were packed as.
    r.precision = precision_ == Precision::Default || r.backend != "cpu"
                      ? "f32"
                      : std::string(precisionName(precision_));
    r.fallbackReason = fallbackReason();
    if (!precisionNote_.empty()) r.fallbackReason += (r.fallbackReason.empty() ? "" : "; ") + precisionNote_;
    if (run && r.backend != "cpu" && !run->precisionUsed.empty()) r.precision = run->precisionUsed;
    if (run && r.backend != "cpu" && !run->precisionNote.empty())
        r.fallbackReason += (r.fallbackReason.empty() ? "" : "; ") + run->precisionNote;
    return r;
}

void Scheduler::recordCpu(const std::string& why) const
{
    ExecutionRecord r = record(cpuDevice());
    if (r.fallbackReason.empty() && &device() != &cpuDevice()) r.fallbackReason = why;
    setLastExecution(r);
}

void Scheduler::fallBack(Device& failed, const std::exception& e)
{
    std::lock_guard lock(mutex_);
    if (device_ != &failed) return; // another thread already moved the model
    reason_ = deviceLabel(failed) + " (" + backendOf(failed) +
              ") failed, so the model runs on the CPU from now on: " + e.what();
    device_ = &cpuDevice();
}

template <typename Compile> void Scheduler::runWithFallback(const Compile& compile, GraphRun& run)
{
    Device& d = device();
    if (&d != &cpuDevice()) {
        try {
            std::shared_ptr<CompiledGraph> c = compile(d);
            run.precision = precision_;
            runCompiled(*c, run);
            setLastExecution(record(d, &run));
            return;
        } catch (const DeviceError& e) {
            fallBack(d, e);
            run.kept.clear(); // a partial run's results are not kept
            run.precisionUsed.clear();
            run.precisionNote.clear();
        }
    }
    std::shared_ptr<CompiledGraph> c = compile(cpuDevice());
    runCompiled(*c, run);
    setLastExecution(record(cpuDevice()));
}

std::shared_ptr<CompiledGraph> Scheduler::compiled(GraphCache& cache, const std::string& key,
                                                   const std::function<Graph()>& build)
{
    Device& d = device();
    try {
        return cache.get(key, build, d);
    } catch (const DeviceError& e) {
        if (&d == &cpuDevice()) throw;
        fallBack(d, e);
        cache.drop(d);
        return cache.get(key, build, cpuDevice());
    }
}

void Scheduler::run(GraphCache& cache, const std::string& key, const std::function<Graph()>& build,
                    GraphRun& run)
{
    Device& before = device();
    runWithFallback([&](Device& d) { return cache.get(key, build, d); }, run);
    if (&device() != &before) cache.drop(before);
}

void Scheduler::run(const Graph& g, GraphRun& run)
{
    runWithFallback([&](Device& d) { return compileGraph(g, d); }, run);
}

} // namespace loupe::compute
