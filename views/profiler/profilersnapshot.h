// SPDX-License-Identifier: MIT
#pragma once

#include "compute/backend/nvml/nvml_monitor.h"
#include "compute/backend/profiler.h"

#include <QString>
#include <vector>

namespace loupe::core {
class JobTracker;
}

namespace loupe::views {

// Everything the Engine Profiler dock shows, copied out of the engine's profiler at one moment so the
// drawing code never holds the profiler's lock.
struct ProfilerSnapshot
{
    struct Backend
    {
        std::string name;   // "cpu", "vulkan", "cuda"
        std::string device; // of its last run
        int runs = 0;       // kept runs the tables sum over
        double lastRunMs = 0;
        std::vector<compute::ProfileStat> ops;
        std::vector<compute::ProfileStat> layers;
        compute::ProfileRun lastRun; // the timeline
    };
    uint64_t generation = 0;
    bool recording = false;
    std::vector<Backend> backends;
    std::vector<compute::MemoryGauge> memory;
    compute::NvmlReading nvml;
    std::vector<compute::QueueGauge> queues;
    int jobsRunning = -1; // -1: no job tracker
};

// `withRuns` false leaves backends empty: the gauges alone, for refreshes when no run was filed.
ProfilerSnapshot takeProfilerSnapshot(const core::JobTracker* jobs, bool withRuns = true);

// "1.5 MiB", "12.0 GiB".
QString formatBytes(int64_t bytes);

} // namespace loupe::views
