// SPDX-License-Identifier: MIT
#include "compute/backend/profiler.h"

#include "compute/error.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

namespace loupe::compute {

namespace {

using Clock = std::chrono::steady_clock;

struct State
{
    std::mutex mutex;
    Clock::time_point epoch = Clock::now();
    int runsKept = 16;
    uint64_t nextRunId = 1;
    std::atomic<uint64_t> generation{0};
    std::map<std::string, std::deque<ProfileRun>> runs; // by backend
    std::map<std::string, MemoryGauge> memory;
    std::map<std::string, QueueGauge> queues;
};

// Set by a device worker around the job it runs; taken by the first run the job files.
struct PendingWait
{
    int64_t queuedNs = 0;
    int64_t waitNs = 0;
    int callerThread = 0;
    bool taken = true;
};
thread_local PendingWait t_wait;

// Never destroyed: device memory pools owned by other statics report their frees during exit, in
// whatever order those statics go.
State& state()
{
    static State& s = *new State;
    return s;
}

bool envEnabled()
{
    const char* v = std::getenv("LOUPE_PROFILE_OPS");
    return v && *v && std::strcmp(v, "0") != 0;
}

// Fixed pids for the backends we know, so traces of different runs line up.
int pidOf(const std::string& backend)
{
    if (backend == "cpu") return 1;
    if (backend == "vulkan") return 2;
    if (backend == "cuda") return 3;
    return 10 + int(std::hash<std::string>{}(backend) % 1000);
}

std::vector<ProfileStat> aggregate(const std::deque<ProfileRun>& runs, bool byLayer)
{
    std::map<std::pair<int, std::string>, ProfileStat> rows; // layers sort by number
    int64_t total = 0;
    for (const ProfileRun& r : runs)
        for (const ProfileEvent& e : r.events) {
            const auto key = byLayer ? std::make_pair(e.layer, std::string()) : std::make_pair(0, e.op);
            ProfileStat& s = rows[key];
            if (s.calls == 0) {
                s.layer = byLayer ? e.layer : -1;
                s.name =
                    byLayer ? (e.layer < 0 ? "outside layers" : "layer " + std::to_string(e.layer)) : e.op;
            }
            s.calls += 1;
            s.totalNs += e.durationNs;
            s.maxNs = std::max(s.maxNs, e.durationNs);
            total += e.durationNs;
        }
    std::vector<ProfileStat> out;
    for (auto& [key, s] : rows) {
        s.msPerRun = runs.empty() ? 0 : double(s.totalNs) / 1e6 / double(runs.size());
        s.share = total > 0 ? double(s.totalNs) / double(total) : 0;
        out.push_back(std::move(s));
    }
    if (!byLayer)
        std::stable_sort(out.begin(), out.end(),
                         [](const ProfileStat& a, const ProfileStat& b) { return a.totalNs > b.totalNs; });
    return out;
}

} // namespace

std::atomic<bool> Profiler::s_enabled{envEnabled()};

// Small thread numbers read better in a trace than pthread ids.
int Profiler::threadIndex()
{
    static std::atomic<int> next{1};
    thread_local const int index = next.fetch_add(1);
    return index;
}

void Profiler::noteQueueWait(int64_t queuedNs, int64_t waitNs, int callerThread)
{
    t_wait = {queuedNs, std::max<int64_t>(0, waitNs), callerThread, callerThread == 0};
}

int layerOfNodeName(const std::string& name)
{
    const size_t at = name.rfind("blk.", 0) == 0 ? 0 : name.find(".blk.");
    if (at == std::string::npos) return -1;
    size_t i = at == 0 ? 4 : at + 5;
    if (i >= name.size() || name[i] < '0' || name[i] > '9') return -1;
    int layer = 0;
    for (; i < name.size() && name[i] >= '0' && name[i] <= '9'; ++i) {
        layer = layer * 10 + (name[i] - '0');
        if (layer > 1000000) return -1;
    }
    return i == name.size() || name[i] == '.' ? layer : -1;
}

GraphRecorder::GraphRecorder(std::string backend, std::string device)
{
    run_.backend = std::move(backend);
    run_.device = std::move(device);
    run_.thread = Profiler::threadIndex();
    run_.startNs = Profiler::nowNs();
    if (!t_wait.taken) { // a segmented run files several runs: the wait belongs to the first
        run_.queuedNs = t_wait.queuedNs;
        run_.queueWaitNs = t_wait.waitNs;
        run_.callerThread = t_wait.callerThread;
        t_wait.taken = true;
    }
    run_.events.reserve(256);
}

GraphRecorder::~GraphRecorder()
{
    if (!finished_) finish();
}

void GraphRecorder::node(const char* op, const std::string& name, size_t index, std::string shape,
                         uint64_t bytesOut, int64_t startNs, int64_t durationNs)
{
    ProfileEvent e;
    e.op = op;
    if (name.empty()) {
        e.node = "node." + std::to_string(index);
        e.layer = currentLayer_;
    } else {
        e.node = name;
        e.layer = currentLayer_ = layerOfNodeName(name);
    }
    e.shape = std::move(shape);
    e.startNs = startNs;
    e.durationNs = durationNs;
    e.bytesOut = bytesOut;
    run_.events.push_back(std::move(e));
}

void GraphRecorder::finish()
{
    finished_ = true;
    run_.durationNs = Profiler::nowNs() - run_.startNs;
    Profiler::file(std::move(run_));
}

void Profiler::setEnabled(bool on)
{
    s_enabled.store(on, std::memory_order_relaxed);
}

int64_t Profiler::nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - state().epoch).count();
}

void Profiler::setRunsKept(int n)
{
    State& s = state();
    std::lock_guard lock(s.mutex);
    s.runsKept = std::max(1, n);
    for (auto& [backend, runs] : s.runs)
        while (int(runs.size()) > s.runsKept)
            runs.pop_front();
}

int Profiler::runsKept()
{
    State& s = state();
    std::lock_guard lock(s.mutex);
    return s.runsKept;
}

void Profiler::clear()
{
    State& s = state();
    std::lock_guard lock(s.mutex);
    s.runs.clear();
    s.generation.fetch_add(1);
}

void Profiler::file(ProfileRun run)
{
    State& s = state();
    std::lock_guard lock(s.mutex);
    run.id = s.nextRunId++;
    auto& runs = s.runs[run.backend];
    runs.push_back(std::move(run));
    while (int(runs.size()) > s.runsKept)
        runs.pop_front();
    s.generation.fetch_add(1);
}

void Profiler::memory(const std::string& device, int64_t inUse)
{
    State& s = state();
    std::lock_guard lock(s.mutex);
    MemoryGauge& g = s.memory[device];
    g.device = device;
    g.inUse = std::max<int64_t>(0, inUse);
    g.peak = std::max(g.peak, g.inUse);
}

void Profiler::adjustMemory(const std::string& device, int64_t delta)
{
    State& s = state();
    std::lock_guard lock(s.mutex);
    MemoryGauge& g = s.memory[device];
    g.device = device;
    g.inUse = std::max<int64_t>(0, g.inUse + delta);
    g.peak = std::max(g.peak, g.inUse);
}

std::vector<MemoryGauge> Profiler::memoryGauges()
{
    State& s = state();
    std::lock_guard lock(s.mutex);
    std::vector<MemoryGauge> out;
    for (const auto& [name, g] : s.memory)
        out.push_back(g);
    return out;
}

void Profiler::setQueueDepth(const std::string& name, int depth, int running)
{
    State& s = state();
    std::lock_guard lock(s.mutex);
    QueueGauge& q = s.queues[name];
    q.name = name;
    q.depth = std::max(0, depth);
    q.running = std::clamp(running, 0, q.depth);
    q.peak = std::max(q.peak, q.depth);
}

std::vector<QueueGauge> Profiler::queueDepths()
{
    State& s = state();
    std::lock_guard lock(s.mutex);
    std::vector<QueueGauge> out;
    for (const auto& [name, q] : s.queues)
        out.push_back(q);
    return out;
}

uint64_t Profiler::generation()
{
    return state().generation.load();
}

std::vector<std::string> Profiler::backends()
{
    State& s = state();
    std::lock_guard lock(s.mutex);
    std::vector<std::string> out;
    for (const auto& [name, runs] : s.runs)
        if (!runs.empty()) out.push_back(name);
    return out;
}

std::vector<ProfileRun> Profiler::runs(const std::string& backend)
{
    State& s = state();
    std::lock_guard lock(s.mutex);
    std::vector<ProfileRun> out;
    for (const auto& [name, runs] : s.runs)
        if (backend.empty() || name == backend) out.insert(out.end(), runs.begin(), runs.end());
    std::sort(out.begin(), out.end(), [](const ProfileRun& a, const ProfileRun& b) { return a.id < b.id; });
    return out;
}

std::vector<ProfileStat> Profiler::opStats(const std::string& backend)
{
    State& s = state();
    std::lock_guard lock(s.mutex);
    const auto it = s.runs.find(backend);
    return it == s.runs.end() ? std::vector<ProfileStat>{} : aggregate(it->second, false);
}

std::vector<ProfileStat> Profiler::layerStats(const std::string& backend)
{
    State& s = state();
    std::lock_guard lock(s.mutex);
    const auto it = s.runs.find(backend);
    return it == s.runs.end() ? std::vector<ProfileStat>{} : aggregate(it->second, true);
}

std::string Profiler::chromeTraceJson()
{
    using nlohmann::json;
    const std::vector<ProfileRun> all = runs();
    json events = json::array();
    std::map<int, std::string> processes;
    std::map<std::pair<int, int>, std::string> threads;
    for (const ProfileRun& r : all) {
        const int pid = pidOf(r.backend);
        processes[pid] = r.backend + " (" + r.device + ")";
        threads[{pid, r.thread}] = "engine thread " + std::to_string(r.thread);
        if (r.callerThread > 0) {
            // On the queuing thread's own tid: it is blocked while it waits, so its waits never overlap.
            threads[{pid, r.callerThread}] = "engine thread " + std::to_string(r.callerThread) + " (queued)";
            events.push_back(
                {{"name", "queue wait"},
                 {"cat", "queue"},
                 {"ph", "X"},
                 {"ts", double(r.queuedNs) / 1e3},
                 {"dur", double(r.queueWaitNs) / 1e3},
                 {"pid", pid},
                 {"tid", r.callerThread},
                 {"args", {{"device", r.device}, {"run", r.id}, {"wait_ms", double(r.queueWaitNs) / 1e6}}}});
        }
        // Trace Event Format times are microseconds; fractions keep sub-microsecond nodes visible.
        events.push_back(
            {{"name", "graph run " + std::to_string(r.id)},
             {"cat", "graph"},
             {"ph", "X"},
             {"ts", double(r.startNs) / 1e3},
             {"dur", double(r.durationNs) / 1e3},
             {"pid", pid},
             {"tid", r.thread},
             {"args", {{"backend", r.backend}, {"device", r.device}, {"nodes", r.events.size()}}}});
        for (const ProfileEvent& e : r.events) {
            json args = {{"node", e.node}, {"op", e.op}, {"shape", e.shape}, {"bytes_out", e.bytesOut}};
            if (e.layer >= 0) args["layer"] = e.layer;
            events.push_back({{"name", e.node},
                              {"cat", e.op},
                              {"ph", "X"},
                              {"ts", double(e.startNs) / 1e3},
                              {"dur", double(e.durationNs) / 1e3},
                              {"pid", pid},
                              {"tid", r.thread},
                              {"args", std::move(args)}});
        }
    }
    for (const auto& [pid, name] : processes)
        events.push_back({{"name", "process_name"}, {"ph", "M"}, {"pid", pid}, {"args", {{"name", name}}}});
    for (const auto& [key, name] : threads)
        events.push_back({{"name", "thread_name"},
                          {"ph", "M"},
                          {"pid", key.first},
                          {"tid", key.second},
                          {"args", {{"name", name}}}});
    json memory = json::array();
    for (const MemoryGauge& g : memoryGauges())
        memory.push_back({{"device", g.device}, {"in_use_bytes", g.inUse}, {"peak_bytes", g.peak}});
    json queues = json::array();
    for (const QueueGauge& q : queueDepths())
        queues.push_back({{"worker", q.name}, {"depth", q.depth}, {"running", q.running}, {"peak", q.peak}});
    const json doc = {{"traceEvents", std::move(events)},
                      {"displayTimeUnit", "ms"},
                      {"otherData",
                       {{"producer", "loupe engine profiler"},
                        {"memory", std::move(memory)},
                        {"queues", std::move(queues)}}}};
    return doc.dump();
}

void Profiler::writeChromeTrace(const std::filesystem::path& path)
{
    const std::string text = chromeTraceJson();
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(path.string(), std::string("cannot write the trace: ") + std::strerror(errno));
    out.write(text.data(), std::streamsize(text.size()));
    out.close();
    if (!out) throw Error(path.string(), std::string("writing the trace failed: ") + std::strerror(errno));
}

} // namespace loupe::compute
