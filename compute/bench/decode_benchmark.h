// SPDX-License-Identifier: MIT
#pragma once

#include "compute/engine_options.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace loupe::compute::bench {

struct DecodeBenchOptions
{
    int runs = 3;             // timed runs after one warm-up run
    int64_t newTokens = 128;  // decoded per run (EOS suppressed, so always all of them)
    int64_t promptTokens = 8; // prompt length
    int64_t rows = 1;         // batch: 1 = greedy; more = that many sampled rows of the prompt
    int threads = 2;          // 0: keep the current setting
    int64_t traceTopK = 0;    // step traces: the top-K alternatives of every step (0: off)
    std::string model;        // a GPT2LMHeadModel folder to load; empty: random GPT-2 small weights
    std::string save;         // write the random GPT-2 small weights there first (config.json + safetensors)
    EngineOptions engine;     // backend and precision the checkpoint is opened with
};

// GPT-2 decoding on the CPU engine, f32: prompt (prefill) time, decode tokens/s (median and best over
// runs), per-step times, threads and the load average, as one JSON object. Used by
// bench/bench_generate.cpp and `loupe bench generate`. Throws Error for bad options or checkpoints.
nlohmann::json decodeBenchmark(const DecodeBenchOptions& options);

} // namespace loupe::compute::bench
