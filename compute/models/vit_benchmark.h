// SPDX-License-Identifier: MIT
#pragma once

#include "compute/engine_options.h"
#include "compute/models/vit.h"

#include <cstdint>
#include <string>

namespace loupe::compute {

struct VitBenchOptions
{
    int runs = 20;       // timed batch-1 runs (median reported)
    int batch8Runs = 4;  // timed batch-8 runs
    int threads = 0;     // 0: keep the current setting (LOUPE_CPU_THREADS or all cores)
    int batch64Runs = 0; // timed batch-64 runs (0: none; a GPU's throughput shows at large batches)
    // Where the model runs and what its Linear weights are packed as; the CPU at f32 unless asked.
    EngineOptions engine{BackendChoice::Cpu, Precision::Default};
};

// ViT-B/16 at 224 with random weights of the real shapes, run through the scheduler on the device
// and at the precision `engine` asks for: latency at batch 1, throughput at batch 8 (and 64), achieved
// GFLOP/s (35.2 GFLOP per image), single-GEMM rates measured on this machine for comparison, threads, GEMM
// kernel and implementation, planned and measured memory. The JSON's "execution" is what ran the model
// (lastExecution after its runs: backend, device, precision and why it is not what was asked). Returns a JSON
// object (text). Used by bench/bench_vit.cpp and `loupe bench vit`.
std::string vitBenchmarkJson(const VitBenchOptions& options);

// The benchmark's model: ViT-B/16 at 224 with random weights of the real shapes drawn from `seed`, its
// Linear weights packed at `engine`'s precision and run where it says. For timing and cross-backend
// comparisons, where only the shapes matter.
VitModel randomVitB16(uint32_t seed, const EngineOptions& engine = {BackendChoice::Cpu, Precision::Default});

} // namespace loupe::compute
