// SPDX-License-Identifier: MIT
// loupe bench vit [--runs N] [--batch8-runs N] [--threads N]: the engine benchmark, as JSON.
#include "app/cli/command.h"
#include "app/cli/help_text.h"
#include "compute/models/vit_benchmark.h"

#include <QCommandLineParser>
#include <QTextStream>

namespace loupe::cli {

namespace {

int bench(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        QStringLiteral("Benchmark ViT-B/16 (224, random weights) on the CPU engine."));
    p.addHelpOption();
    p.addOption({QStringLiteral("runs"), QStringLiteral("Timed batch-1 runs."), QStringLiteral("N"),
                 QStringLiteral("20")});
    p.addOption({QStringLiteral("batch8-runs"), QStringLiteral("Timed batch-8 runs."), QStringLiteral("N"),
                 QStringLiteral("4")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("CPU threads (default: all cores)."),
                 QStringLiteral("N"), QStringLiteral("0")});
    p.addPositionalArgument(QStringLiteral("MODEL"), QStringLiteral("Only 'vit' for now."));
    QTextStream out(stdout), err(stderr);
    if (!p.parse(QStringList{QStringLiteral("loupe bench")} + args)) {
        err << "loupe bench: " << p.errorText() << "\n";
        return ExitUsage;
    }
    if (p.isSet(QStringLiteral("help"))) {
        out << commandHelpText(p, QStringLiteral("bench"));
        return ExitOk;
    }
    if (p.positionalArguments() != QStringList{QStringLiteral("vit")}) {
        err << "usage: loupe bench vit [--runs N] [--batch8-runs N] [--threads N]\n";
        return ExitUsage;
    }
    compute::VitBenchOptions o;
    o.runs = p.value(QStringLiteral("runs")).toInt();
    o.batch8Runs = p.value(QStringLiteral("batch8-runs")).toInt();
    o.threads = p.value(QStringLiteral("threads")).toInt();
    if (o.runs < 1 || o.batch8Runs < 1 || o.threads < 0) {
        err << "loupe bench: --runs and --batch8-runs need positive numbers\n";
        return ExitUsage;
    }
    out << QString::fromStdString(compute::vitBenchmarkJson(o)) << "\n";
    return ExitOk;
}

const CommandRegistrar registrar{
    {QStringLiteral("bench"), QStringLiteral("Benchmark the inference engine (bench vit)"), bench}};

} // namespace

} // namespace loupe::cli
