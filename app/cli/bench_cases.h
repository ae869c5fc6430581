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

// One case of the GPU benchmark set (compute/bench/gpu_cases.h) as a `loupe bench` benchmark: its
// options on the command line and the run, which throws compute::bench::GpuCaseOptionError for bad
// option values (a usage error) and compute::Error when the engine fails.
struct BenchCase
{
    QString name, description;
    std::function<void(QCommandLineParser&)> addOptions;
    std::function<nlohmann::json(const QCommandLineParser&, const compute::EngineOptions&)> run;
};

std::vector<BenchCase> benchCases();

} // namespace loupe::cli
