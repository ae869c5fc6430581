// SPDX-License-Identifier: MIT
#pragma once

#include <string>

namespace loupe::compute {

struct VitBenchOptions
{
    int runs = 20;      // timed batch-1 runs (median reported)
    int batch8Runs = 4; // timed batch-8 runs
    int threads = 0;    // 0: keep the current setting (LOUPE_CPU_THREADS or all cores)
};

// ViT-B/16 at 224 with random weights of the real shapes on the CPU engine: latency at batch 1,
// throughput at batch 8, achieved GFLOP/s (35.2 GFLOP per image), single-GEMM rates measured on this
// machine for comparison, threads, GEMM kernel and implementation, planned and measured memory.
// Returns a JSON object (text). Used by bench/bench_vit.cpp and `loupe bench vit`.
std::string vitBenchmarkJson(const VitBenchOptions& options);

} // namespace loupe::compute
