// SPDX-License-Identifier: MIT
#pragma once

#include "compute/engine_options.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace loupe::compute::bench {

// The GPU benchmark set: one workload per case, timed with `warmup` untimed and `runs` timed
// repetitions on engine's backend at its precision, printing caseJson's keys (case_timing.h), the same
// keys tools/bench/peer_torch_gpu.py prints for PyTorch. Every weight is random (nothing is downloaded).
// Run by `loupe bench CASE` and by loupe_bench_gpu (no Qt, for machines that have only the engine's
// libraries).
//   vit-forward      ViT-B/16 224 forward at `batch`
//   gpt2-decode      GPT-2 small greedy decode at batch 1 (tokens/s)
//   vit-attribution  ViT-B/16 forward + backward of a class logit to every attention probability and to
//                    the Grad-CAM tokens (vitGradients)
//   sam-encoder      SAM ViT-B image encoder at `imageSize` (1024)
struct GpuCaseOptions
{
    EngineOptions engine{BackendChoice::Cpu, Precision::Default};
    int warmup = -1; // -1: the case's default
    int runs = -1;   // -1: the case's default
    int threads = 0; // 0: keep the current setting
    int64_t batch = 1;
    int64_t newTokens = 128, promptTokens = 8; // gpt2-decode
    int64_t imageSize = 1024, layers = 12;     // sam-encoder (smaller: a smoke test)
    bool printLogits = false;                  // vit-forward: image 0's logits, to compare backends
};

struct GpuCaseInfo
{
    std::string name, description;
    int defaultRuns, defaultWarmup;
    bool takesBatch;
};
const std::vector<GpuCaseInfo>& gpuCases();

// An option value a case cannot run with; the message names the option as the command line spells it.
struct GpuCaseOptionError : std::invalid_argument
{
    using std::invalid_argument::invalid_argument;
};

// Runs `name` (one of gpuCases()); throws GpuCaseOptionError for an unknown case or bad option values,
// Error when the engine fails.
nlohmann::json runGpuCase(const std::string& name, const GpuCaseOptions& options);

} // namespace loupe::compute::bench
