// SPDX-License-Identifier: MIT
#include "compute/bench/case_timing.h"

#include "compute/bench/bench_stats.h"

#include <algorithm>
#include <fstream>
#include <sys/utsname.h>
#include <thread>
#include <unistd.h>

namespace loupe::compute::bench {

CaseTiming timeCase(const CaseSettings& settings, const std::function<void()>& step)
{
    for (int i = 0; i < settings.warmup; ++i)
        step();
    CaseTiming t;
    for (int i = 0; i < settings.runs; ++i) {
        const auto t0 = Clock::now();
        step();
        t.ms.push_back(msSince(t0));
    }
    t.ran = lastExecution();
    return t;
}

nlohmann::json machineJson()
{
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    std::string cpu;
    std::ifstream info("/proc/cpuinfo");
    for (std::string line; cpu.empty() && std::getline(info, line);)
        if (line.rfind("model name", 0) == 0 && line.find(':') != std::string::npos)
            cpu = line.substr(line.find(':') + 2);
    utsname u{};
    uname(&u);
    return {{"hostname", std::string(host)},
            {"cpu", cpu},
            {"logical_cores", std::thread::hardware_concurrency()},
            {"os", std::string(u.sysname) + " " + u.release},
            {"load_average_1min", loadAverage1()}};
}

nlohmann::json caseJson(const std::string& caseName, const CaseSettings& s, const CaseTiming& t,
                        double itemsPerRun, const std::string& throughputUnit)
{
    const double med = median(t.ms);
    nlohmann::json j = {{"case", caseName},
                        {"machine", machineJson()},
                        {"device", t.ran.device},
                        {"backend", t.ran.backend},
                        {"precision", t.ran.precision},
                        {"requested_backend", std::string(backendChoiceName(s.engine.backend))},
                        {"requested_dtype", std::string(precisionName(s.engine.precision))},
                        {"batch", s.batch},
                        {"warmup", s.warmup},
                        {"runs", s.runs},
                        {"ms_median", med},
                        {"ms_p90", percentile(t.ms, 0.9)},
                        {"ms_min", t.ms.empty() ? 0.0 : *std::min_element(t.ms.begin(), t.ms.end())},
                        {"throughput", med > 0 ? itemsPerRun * 1000.0 / med : 0.0},
                        {"throughput_unit", throughputUnit}};
    if (!t.ran.fallbackReason.empty()) j["fallback_reason"] = t.ran.fallbackReason;
    return j;
}

} // namespace loupe::compute::bench
