// SPDX-License-Identifier: MIT
#pragma once

#include "compute/engine_options.h"

#include <QCommandLineParser>
#include <QString>
#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <vector>

namespace loupe::cli {

// An option value a case cannot run with; the message names the option and the value.
struct BenchOptionError : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

// The GPU benchmark set: one workload, timed with --warmup untimed and --runs timed repetitions on
// --backend at --dtype, printing the keys of caseJson (bench_case_timing.h), the same keys
// tools/bench/peer_torch_gpu.py prints for PyTorch. All weights are random (nothing is downloaded).
//   vit-forward      ViT-B/16 224 forward at --batch
//   gpt2-decode      GPT-2 small greedy decode at batch 1 (tokens/s)
//   vit-attribution  ViT-B/16 forward + backward of the class logit to every attention probability
//                    and to the Grad-CAM tokens (vitGradients)
//   sam-encoder      SAM ViT-B image encoder at 1024x1024
struct BenchCase
{
    QString name, description;
    std::function<void(QCommandLineParser&)> addOptions;
    // Throws BenchOptionError for bad option values, compute::Error when the engine fails.
    std::function<nlohmann::json(const QCommandLineParser&, const compute::EngineOptions&)> run;
};

std::vector<BenchCase> benchCases();

} // namespace loupe::cli
