// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace loupe::compute {

// The engine profiler: a process-wide recorder of every graph node a backend computes, read by the
// Engine Profiler dock and written as a Chrome trace by `loupe bench --trace`.
//
// It is off unless Profiler::setEnabled(true) or LOUPE_PROFILE_OPS=1; while off a backend pays one
// relaxed atomic load per graph run (Profiler::enabled()). While on, a backend times each node into a
// GraphRecorder that it owns for the run (no lock per node) and hands the finished run over in one
// locked step, so runs on several threads and backends never interleave their events.
//
// How a backend reports (the CPU backend in cpu_backend.cpp is the example):
//
//     std::optional<GraphRecorder> rec;
//     if (Profiler::enabled()) rec.emplace("vulkan", device.name());
//     for each node i:
//         const int64_t t0 = rec ? Profiler::nowNs() : 0;
//         ... run node i (a GPU backend measures with timestamp queries and passes its own
//             start/duration, converted to Profiler::nowNs()'s clock) ...
//         if (rec) rec->node(opName(n.op), n.name, i, shapeString(n.shape), bytesOut, t0,
//                            Profiler::nowNs() - t0);
//     // the recorder's destructor files the run (or call rec->finish())
//
// and on every device allocation and free: Profiler::adjustMemory(deviceName, +bytes / -bytes), or
// Profiler::memory(deviceName, bytesInUse) when the backend keeps its own total. Memory is tracked
// whether or not the profiler is on (allocations are rare, and the dock opened later must show the
// right figure). Device workers (device_worker.h) set Profiler::setQueueDepth(name, queued + running,
// running) as jobs come and go, whether or not the profiler is on, and tell the runs they start how
// long those waited in the queue (noteQueueWait): the run's queueWaitNs, a "queue wait" trace event.

// One computed node.
struct ProfileEvent
{
    std::string op;   // opName(): "linear", "softmax", ...
    std::string node; // the graph node's name, or "node.<index>" for an unnamed one
    std::string shape;
    int layer = -1; // the i of "blk.{i}." in the node's name (unnamed nodes take the block they sit in)
    int64_t startNs = 0;
    int64_t durationNs = 0;
    uint64_t bytesOut = 0;
};

// One graph computation on one backend.
struct ProfileRun
{
    uint64_t id = 0; // increasing over the process
    std::string backend;
    std::string device;
    int thread = 0; // small index of the thread that ran it (1, 2, ... in order of first use)
    int64_t startNs = 0;
    int64_t durationNs = 0;
    std::vector<ProfileEvent> events;
    // Runs handed to a device worker: when the job was queued and how long it waited there before the
    // worker took it (0 for runs on the calling thread), and the thread that queued it.
    int64_t queuedNs = 0;
    int64_t queueWaitNs = 0;
    int callerThread = 0;
};

// Time spent per op kind or per layer over the kept runs of one backend.
struct ProfileStat
{
    std::string name;    // op name, or "layer 3" / "outside layers"
    int layer = -1;      // per-layer rows: the layer (-1: nodes outside any block)
    int64_t calls = 0;   // nodes over all kept runs
    int64_t totalNs = 0; // over all kept runs
    double msPerRun = 0; // total / runs
    double share = 0;    // of the backend's node time, 0..1
    int64_t maxNs = 0;   // longest single node
};

struct MemoryGauge
{
    std::string device;
    int64_t inUse = 0;
    int64_t peak = 0;
};

// A device worker's queue: `depth` jobs queued or running, `running` of them running now, the most
// ever seen at once in `peak`.
struct QueueGauge
{
    std::string name;
    int depth = 0;
    int running = 0;
    int peak = 0;
};

// Collects one run's events on the thread that computes it; filed into the Profiler when finished.
class GraphRecorder
{
public:
    GraphRecorder(std::string backend, std::string device);
    ~GraphRecorder(); // files the run unless finish() did
    GraphRecorder(const GraphRecorder&) = delete;
    GraphRecorder& operator=(const GraphRecorder&) = delete;

    void node(const char* op, const std::string& name, size_t index, std::string shape, uint64_t bytesOut,
              int64_t startNs, int64_t durationNs);
    void finish();

private:
    ProfileRun run_;
    int currentLayer_ = -1;
    bool finished_ = false;
};

class Profiler
{
public:
    static bool enabled() { return s_enabled.load(std::memory_order_relaxed); }
    static void setEnabled(bool on);
    static int64_t nowNs(); // steady clock, from the profiler's own epoch (the trace's zero)

    // Runs kept per backend (default 16); older ones are dropped.
    static void setRunsKept(int n);
    static int runsKept();
    static void clear(); // forgets runs (memory gauges and queue depths stay: they are live state)

    static void memory(const std::string& device, int64_t inUse);
    static void adjustMemory(const std::string& device, int64_t delta);
    static std::vector<MemoryGauge> memoryGauges(); // by device name
    static void setQueueDepth(const std::string& name, int depth, int running = 0);
    static std::vector<QueueGauge> queueDepths(); // by name
    // The next run this thread files waited `waitNs` in a device worker's queue since `queuedNs`,
    // queued by thread `callerThread` (see ProfileRun); a worker says (0, 0, 0) when the job is done.
    static void noteQueueWait(int64_t queuedNs, int64_t waitNs, int callerThread);
    // Small index of the calling thread (1, 2, ... in order of first use), as ProfileRun::thread.
    static int threadIndex();

    // Grows whenever a run is filed: readers redraw only when it moved.
    static uint64_t generation();
    static std::vector<std::string> backends();                             // that have kept runs, sorted
    static std::vector<ProfileRun> runs(const std::string& backend = {});   // oldest first; empty: all
    static std::vector<ProfileStat> opStats(const std::string& backend);    // slowest first
    static std::vector<ProfileStat> layerStats(const std::string& backend); // by layer

    // The kept runs as Trace Event Format JSON (chrome://tracing, Perfetto): one "X" event per node
    // and per run, a pid per backend, a tid per thread; a run that waited in a device worker's queue
    // adds a "queue wait" event on the tid of the thread that queued it. Throws Error naming the file when it
    // cannot be written.
    static void writeChromeTrace(const std::filesystem::path& path);
    static std::string chromeTraceJson();

    static void file(ProfileRun run); // what GraphRecorder::finish() calls

private:
    static std::atomic<bool> s_enabled;
};

// "blk.12.attn_probs" -> 12; -1 when the name is not inside a block.
int layerOfNodeName(const std::string& name);

} // namespace loupe::compute
