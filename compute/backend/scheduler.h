// SPDX-License-Identifier: MIT
#pragma once

#include "compute/backend/backend.h"
#include "compute/engine_options.h"
#include "compute/graph/graph_cache.h"

#include <functional>
#include <mutex>
#include <string>

namespace loupe::compute {

// Runs one model's graphs on the device its backend choice resolved to (resolveDevice). Nodes the
// device supports run there, the others on the CPU (graph_segments.h). When the device fails
// (DeviceError: no driver, device creation, out of memory, device lost) the same run is redone on the
// CPU and the model stays there from then on: a driver that failed once is not trusted again.
// Every successful run records what ran it with setLastExecution(). GPU computations run on the
// device's worker thread, one at a time in the order asked (runCompiled).
class Scheduler
{
public:
    // `precisionNote`: why `precision` is not the one asked for (Checkpoint::linearWeightFormatNote),
    // carried into every execution record's fallbackReason.
    explicit Scheduler(BackendChoice choice = BackendChoice::Cpu, Precision precision = Precision::Default,
                       std::string precisionNote = {});
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    Device& device() const; // where the next run goes (the CPU after a fall-back)
    BackendChoice choice() const { return choice_; }
    Precision precision() const { return precision_; }
    // Why the model does not run where it was asked to (no device, or the device failed); empty when
    // it does.
    std::string fallbackReason() const;

    // The compiled graph for `key` on the current device (built by `build` on a miss).
    std::shared_ptr<CompiledGraph> compiled(GraphCache& cache, const std::string& key,
                                            const std::function<Graph()>& build);
    // Runs the cached graph for `key`; `run.kept` receives the kept nodes.
    void run(GraphCache& cache, const std::string& key, const std::function<Graph()>& build, GraphRun& run);
    // Runs a graph that is built once (not worth caching).
    void run(const Graph& g, GraphRun& run);

    // The record of a run on `d` by this model: backend, device, precision (what the backend says it
    // used, when `run` is given), fall-back reason (and why the precision differs from the asked one).
    ExecutionRecord record(const Device& d, const GraphRun* run = nullptr) const;
    // A CPU-only computation of this model (custom kernels, gradients): records it, saying why when
    // another backend was asked for.
    void recordCpu(const std::string& why) const;

private:
    template <typename Compile> void runWithFallback(const Compile& compile, GraphRun& run);
    void fallBack(Device& failed, const std::exception& e);

    BackendChoice choice_;
    Precision precision_;
    std::string precisionNote_;
    mutable std::mutex mutex_;
    Device* device_;
    std::string reason_;
};

// Runs a compiled graph on its device (whole or in segments): on the calling thread for the CPU, on
// the device's worker (device_worker.h) for a GPU, waiting for it and rethrowing what it threw.
void runCompiled(CompiledGraph& compiled, GraphRun& run);

} // namespace loupe::compute
