// SPDX-License-Identifier: MIT
#include "app/cli/trace_args.h"

#include <QCommandLineParser>
#include <stdexcept>

namespace loupe::cli {

void addTraceTopOption(QCommandLineParser& p)
{
    p.addOption({QStringLiteral("trace-top"),
                 QStringLiteral("Alternatives per token listed in trace.json (default 5)."),
                 QStringLiteral("K")});
}

int64_t traceTop(const QCommandLineParser& p, const QString& traceDir)
{
    if (traceDir.isEmpty()) return 0;
    if (!p.isSet(QStringLiteral("trace-top"))) return 5;
    bool ok = false;
    const int64_t top = p.value(QStringLiteral("trace-top")).toLongLong(&ok);
    if (!ok || top < 1) throw std::invalid_argument("--trace-top needs an integer of at least 1");
    return top;
}

} // namespace loupe::cli
