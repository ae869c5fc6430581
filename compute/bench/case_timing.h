// SPDX-License-Identifier: MIT
#pragma once

#include "compute/engine_options.h"

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace loupe::compute::bench {

// How one benchmark case is run: where, how many untimed and timed repetitions, how many items each.
struct CaseSettings
{
    EngineOptions engine;
    int warmup = 3;
    int runs = 10;
    int64_t batch = 1;
};

// The wall milliseconds of each timed repetition and what the engine says ran the last one.
struct CaseTiming
{
    std::vector<double> ms;
    ExecutionRecord ran;
};

// Runs `step` settings.warmup times untimed, then settings.runs times timed. The execution record is
// read right after the last timed run, before anything else on this thread can overwrite it.
CaseTiming timeCase(const CaseSettings& settings, const std::function<void()>& step);

// The keys every case prints, and tools/bench/peer_torch_gpu.py prints the same way: case, machine,
// device, backend, precision (what ran, from the execution record), requested_backend/_dtype, batch,
// warmup, runs, ms_median, ms_p90, ms_min, throughput (itemsPerRun per median run, per second) with
// throughput_unit, and fallback_reason when the engine says why it differs from the request.
nlohmann::json caseJson(const std::string& caseName, const CaseSettings& settings, const CaseTiming& timing,
                        double itemsPerRun, const std::string& throughputUnit);

// The host: name, CPU model, logical cores, kernel, 1-minute load average.
nlohmann::json machineJson();

} // namespace loupe::compute::bench
