// SPDX-License-Identifier: MIT
#include "app/cli/bench_cases.h"

#include "compute/bench/gpu_cases.h"

#include <algorithm>

namespace loupe::cli {

namespace {

using compute::bench::GpuCaseOptionError;

// The value of an integer option; its range is checked by the case, which knows it.
long long integer(const QCommandLineParser& p, const char* name)
{
    bool ok = false;
    const QString text = p.value(QString::fromLatin1(name));
    const long long v = text.toLongLong(&ok);
    if (!ok)
        throw GpuCaseOptionError("--" + std::string(name) + " must be an integer, got \"" +
                                 text.toStdString() + "\"");
    return v;
}

QCommandLineOption numberOption(const char* name, const char* help, const QString& fallback)
{
    return {QString::fromLatin1(name), QString::fromLatin1(help), QStringLiteral("N"), fallback};
}

void addOptions(QCommandLineParser& p, const compute::bench::GpuCaseInfo& c)
{
    p.addOption(numberOption("warmup", "Untimed runs first.", QString::number(c.defaultWarmup)));
    p.addOption(
        numberOption("runs", "Timed runs (median and p90 reported).", QString::number(c.defaultRuns)));
    p.addOption(numberOption("threads", "CPU threads (0: all cores).", QStringLiteral("0")));
    if (c.takesBatch) p.addOption(numberOption("batch", "Images per run.", QStringLiteral("1")));
    if (c.name == "vit-forward")
        p.addOption({QStringLiteral("print-logits"), QStringLiteral("Also print image 0's logits (to compare "
                                                                    "backends on the same weights).")});
    if (c.name == "gpt2-decode") {
        p.addOption(numberOption("new-tokens", "Tokens decoded per run.", QStringLiteral("128")));
        p.addOption(numberOption("prompt-tokens", "Prompt length.", QStringLiteral("8")));
    }
    if (c.name == "sam-encoder") {
        p.addOption(numberOption("image-size", "Input side (a multiple of 16).", QStringLiteral("1024")));
        p.addOption(numberOption("layers", "Encoder layers (fewer: a smoke test).", QStringLiteral("12")));
    }
}

compute::bench::GpuCaseOptions options(const QCommandLineParser& p, const compute::bench::GpuCaseInfo& c,
                                       const compute::EngineOptions& engine)
{
    compute::bench::GpuCaseOptions o;
    o.engine = engine;
    o.warmup = int(std::clamp(integer(p, "warmup"), -1LL << 30, 1LL << 30));
    o.runs = int(std::clamp(integer(p, "runs"), -1LL << 30, 1LL << 30));
    o.threads = int(std::clamp(integer(p, "threads"), -1LL << 30, 1LL << 30));
    if (o.warmup < 0) throw GpuCaseOptionError("--warmup must be 0 or more, got " + std::to_string(o.warmup));
    if (o.runs < 1) throw GpuCaseOptionError("--runs must be at least 1, got " + std::to_string(o.runs));
    if (c.takesBatch) o.batch = integer(p, "batch");
    if (c.name == "vit-forward") o.printLogits = p.isSet(QStringLiteral("print-logits"));
    if (c.name == "gpt2-decode") {
        o.newTokens = integer(p, "new-tokens");
        o.promptTokens = integer(p, "prompt-tokens");
    }
    if (c.name == "sam-encoder") {
        o.imageSize = integer(p, "image-size");
        o.layers = integer(p, "layers");
    }
    return o;
}

} // namespace

std::vector<BenchCase> benchCases()
{
    std::vector<BenchCase> all;
    for (const compute::bench::GpuCaseInfo& c : compute::bench::gpuCases())
        all.push_back({QString::fromStdString(c.name), QString::fromStdString(c.description),
                       [c](QCommandLineParser& p) { addOptions(p, c); },
                       [c](const QCommandLineParser& p, const compute::EngineOptions& engine) {
                           return compute::bench::runGpuCase(c.name, options(p, c, engine));
                       }});
    return all;
}

} // namespace loupe::cli
