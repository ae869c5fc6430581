// SPDX-License-Identifier: MIT
#pragma once

#include "compute/engine_options.h"

#include <QJsonObject>
#include <QString>
#include <nlohmann/json_fwd.hpp>
#include <optional>

class QCommandLineParser;

namespace loupe::cli {

// --backend auto|cpu|vulkan|cuda and --dtype f32|bf16|f16|int8, shared by every command that runs a model.
void addEngineOptions(QCommandLineParser& parser);
// " [--backend auto|cpu|vulkan|cuda] [--dtype f32|bf16|f16|int8]" for usage lines.
QString engineUsage();
// The options the user gave (auto and the checkpoint's precision when omitted); nothing after printing
// "loupe COMMAND: --backend takes auto, cpu, vulkan or cuda, got 'x'" for a value outside the choices.
std::optional<compute::EngineOptions> parseEngineOptions(const QCommandLineParser& parser,
                                                         const QString& command);

// Says on stderr, once per reason, when the chosen device did not run the model ("loupe COMMAND: CUDA is
// unavailable (...); ran on the CPU"): the work went on, but not where the user asked.
void reportFallback(const compute::ExecutionRecord& execution, const QString& command);
// Adds "backend", "device", "precision" (and "fallback_reason") to a JSON output row.
void addExecutionJson(nlohmann::json& row, const compute::ExecutionRecord& execution);
void addExecutionJson(QJsonObject& row, const compute::ExecutionRecord& execution);

} // namespace loupe::cli
