// SPDX-License-Identifier: MIT
#include "views/profiler/profilersnapshot.h"

#include "core/jobs/jobtracker.h"

namespace loupe::views {

ProfilerSnapshot takeProfilerSnapshot(const core::JobTracker* jobs, bool withRuns)
{
    using compute::Profiler;
    ProfilerSnapshot s;
    s.generation = Profiler::generation();
    s.recording = Profiler::enabled();
    for (const std::string& name : withRuns ? Profiler::backends() : std::vector<std::string>{}) {
        ProfilerSnapshot::Backend b;
        b.name = name;
        std::vector<compute::ProfileRun> runs = Profiler::runs(name);
        b.runs = int(runs.size());
        if (!runs.empty()) {
            b.lastRun = std::move(runs.back());
            b.device = b.lastRun.device;
            b.lastRunMs = double(b.lastRun.durationNs) / 1e6;
        }
        b.ops = Profiler::opStats(name);
        b.layers = Profiler::layerStats(name);
        s.backends.push_back(std::move(b));
    }
    s.memory = Profiler::memoryGauges();
    s.nvml = compute::readNvml();
    s.queues = Profiler::queueDepths();
    if (jobs) s.jobsRunning = jobs->runningCount();
    return s;
}

QString formatBytes(int64_t bytes)
{
    const double b = double(bytes);
    if (b < 1024) return QStringLiteral("%1 B").arg(bytes);
    if (b < 1024.0 * 1024) return QStringLiteral("%1 KiB").arg(b / 1024, 0, 'f', 1);
    if (b < 1024.0 * 1024 * 1024) return QStringLiteral("%1 MiB").arg(b / (1024.0 * 1024), 0, 'f', 1);
    return QStringLiteral("%1 GiB").arg(b / (1024.0 * 1024 * 1024), 0, 'f', 2);
}

} // namespace loupe::views
