// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <cstdint>

class QCommandLineParser;

namespace loupe::cli {

// The --trace-top option (alternatives per token in trace.json), as `caption` and `ask` offer it.
void addTraceTopOption(QCommandLineParser& p);

// The alternatives to record per token: 0 without a trace folder, else --trace-top (default 5). Throws
// std::invalid_argument for a value that is not an integer of at least 1.
int64_t traceTop(const QCommandLineParser& p, const QString& traceDir);

} // namespace loupe::cli
