// SPDX-License-Identifier: MIT
// loupe bench vit|generate|caption|tokenizer|vit-forward|gpt2-decode|vit-attribution|sam-encoder
// [options]: the engine benchmarks, each printing one JSON object. The measuring code is shared with the
// bench/ binaries (compute/bench/, compute/models/vit_benchmark); the GPU benchmark set (vit-forward ...
// sam-encoder) is compute/bench/gpu_cases.cpp. Every benchmark takes --trace FILE (the engine profiler's
// Chrome trace of the graph runs) and --backend / --dtype (how checkpoints are opened).
#include "app/cli/bench_cases.h"
#include "app/cli/command.h"
#include "app/cli/help_text.h"
#include "compute/backend/profiler.h"
#include "compute/bench/caption_benchmark.h"
#include "compute/bench/decode_benchmark.h"
#include "compute/bench/gpu_cases.h"
#include "compute/bench/tokenizer_benchmark.h"
#include "compute/engine_options.h"
#include "compute/models/vit_benchmark.h"

#include <QCommandLineParser>
#include <QFile>
#include <QTextStream>
#include <algorithm>
#include <exception>
#include <functional>
#include <optional>

namespace loupe::cli {

namespace {

const QString kUsage = QStringLiteral(
    "usage: loupe bench vit|generate|caption|tokenizer|vit-forward|gpt2-decode|vit-attribution|sam-encoder "
    "[options] (loupe bench BENCHMARK --help for each)\n");

// An integer option checked against its lower bound; nullopt (after printing why) when it fails.
std::optional<long long> intOption(const QCommandLineParser& p, const QString& name, long long min,
                                   QTextStream& err)
{
    bool ok = false;
    const long long v = p.value(name).toLongLong(&ok);
    if (!ok || v < min) {
        err << "loupe bench: --" << name << " must be an integer of at least " << min << ", got \""
            << p.value(name) << "\"\n";
        return std::nullopt;
    }
    return v;
}

QCommandLineOption option(const char* name, const char* help, const char* fallback)
{
    return {QString::fromLatin1(name), QString::fromLatin1(help), QStringLiteral("N"),
            QString::fromLatin1(fallback)};
}

// What every benchmark gets besides its own options; `result` is the JSON it measured.
struct BenchContext
{
    compute::EngineOptions engine;
    nlohmann::json result;
};

int runVit(QCommandLineParser& p, BenchContext& ctx, QTextStream& err)
{
    const auto runs = intOption(p, QStringLiteral("runs"), 1, err);
    const auto batch8 = intOption(p, QStringLiteral("batch8-runs"), 1, err);
    const auto threads = intOption(p, QStringLiteral("threads"), 0, err);
    const auto batch64 = intOption(p, QStringLiteral("batch64-runs"), 0, err);
    if (!runs || !batch8 || !threads || !batch64) return ExitUsage;
    compute::VitBenchOptions o;
    o.runs = int(*runs);
    o.batch8Runs = int(*batch8);
    o.threads = int(*threads);
    o.batch64Runs = int(*batch64);
    o.engine = ctx.engine; // the random weights are packed at --dtype and run on --backend
    ctx.result = nlohmann::json::parse(compute::vitBenchmarkJson(o));
    return ExitOk;
}

int runGenerate(QCommandLineParser& p, BenchContext& ctx, QTextStream& err)
{
    compute::bench::DecodeBenchOptions o;
    const auto runs = intOption(p, QStringLiteral("runs"), 1, err);
    const auto newTokens = intOption(p, QStringLiteral("new-tokens"), 2, err);
    const auto promptTokens = intOption(p, QStringLiteral("prompt-tokens"), 1, err);
    const auto rows = intOption(p, QStringLiteral("rows"), 1, err);
    const auto threads = intOption(p, QStringLiteral("threads"), 0, err);
    const auto topK = intOption(p, QStringLiteral("trace-top-k"), 0, err);
    if (!runs || !newTokens || !promptTokens || !rows || !threads || !topK) return ExitUsage;
    o.runs = int(*runs);
    o.newTokens = *newTokens;
    o.promptTokens = *promptTokens;
    o.rows = *rows;
    o.threads = int(*threads);
    o.traceTopK = *topK;
    o.model = p.value(QStringLiteral("model")).toStdString();
    o.save = p.value(QStringLiteral("save")).toStdString();
    o.engine = ctx.engine;
    ctx.result = compute::bench::decodeBenchmark(o);
    return ExitOk;
}

int runCaption(QCommandLineParser& p, BenchContext& ctx, QTextStream& err)
{
    compute::bench::CaptionBenchOptions o;
    const auto runs = intOption(p, QStringLiteral("runs"), 1, err);
    const auto threads = intOption(p, QStringLiteral("threads"), 0, err);
    std::optional<long long> newTokens = -1;
    if (p.isSet(QStringLiteral("new-tokens"))) newTokens = intOption(p, QStringLiteral("new-tokens"), 2, err);
    if (!runs || !threads || !newTokens) return ExitUsage;
    o.runs = int(*runs);
    o.threads = int(*threads);
    o.newTokens = *newTokens;
    o.quick = p.isSet(QStringLiteral("quick"));
    o.tokenizers = p.value(QStringLiteral("tokenizers")).toStdString();
    o.engine = ctx.engine;
    ctx.result = compute::bench::captionBenchmark(o);
    return ExitOk;
}

int runTokenizer(QCommandLineParser& p, BenchContext& ctx, QTextStream& err)
{
    if (p.positionalArguments().size() != 2) {
        err << "usage: loupe bench tokenizer [--megabytes MB] FOLDER (holding gpt2/, clip/ and bert/ "
               "tokenizers)\n";
        return ExitUsage;
    }
    bool ok = false;
    const double mb = p.value(QStringLiteral("megabytes")).toDouble(&ok);
    if (!ok || !(mb > 0) || mb > 1024) {
        err << "loupe bench: --megabytes must be a number above 0 and at most 1024, got \""
            << p.value(QStringLiteral("megabytes")) << "\"\n";
        return ExitUsage;
    }
    ctx.result = compute::bench::tokenizerBenchmark(p.positionalArguments()[1].toStdString(), mb);
    return ExitOk;
}

struct Benchmark
{
    QString name, description;
    std::function<void(QCommandLineParser&)> addOptions;
    std::function<int(QCommandLineParser&, BenchContext&, QTextStream&)> run;
};

void addCommonOptions(QCommandLineParser& p)
{
    p.addOption(
        {QStringLiteral("trace"),
         QStringLiteral("Record every graph node the engine computes and write them to FILE as a Chrome "
                        "trace (chrome://tracing, ui.perfetto.dev)."),
         QStringLiteral("FILE")});
    p.addOption({QStringLiteral("backend"),
                 QStringLiteral("Where checkpoints run: auto, cpu, vulkan or cuda (default auto)."),
                 QStringLiteral("BACKEND"), QStringLiteral("auto")});
    p.addOption(
        {QStringLiteral("dtype"),
         QStringLiteral("Precision of checkpoints' weights and GEMMs: f32, bf16, f16 or int8 (default: "
                        "as saved)."),
         QStringLiteral("DTYPE")});
}

// --backend and --dtype; nullopt (after printing why) for a value the engine does not know.
std::optional<compute::EngineOptions> engineOptions(const QCommandLineParser& p, QTextStream& err)
{
    compute::EngineOptions o;
    const QString backend = p.value(QStringLiteral("backend"));
    if (const auto b = compute::parseBackendChoice(backend.toStdString()))
        o.backend = *b;
    else {
        err << "loupe bench: --backend must be auto, cpu, vulkan or cuda, got \"" << backend << "\"\n";
        return std::nullopt;
    }
    if (p.isSet(QStringLiteral("dtype"))) {
        const QString dtype = p.value(QStringLiteral("dtype"));
        const auto d = compute::parsePrecision(dtype.toStdString());
        if (!d || *d == compute::Precision::Default) {
            err << "loupe bench: --dtype must be f32, bf16, f16 or int8, got \"" << dtype << "\"\n";
            return std::nullopt;
        }
        o.precision = *d;
    }
    return o;
}

// What was asked for and what the engine's last computation on this thread actually used.
nlohmann::json engineJson(const compute::EngineOptions& asked)
{
    const compute::ExecutionRecord& ran = compute::lastExecution();
    nlohmann::json j = {{"requested_backend", std::string(compute::backendChoiceName(asked.backend))},
                        {"requested_dtype", std::string(compute::precisionName(asked.precision))},
                        {"backend", ran.backend},
                        {"device", ran.device},
                        {"precision", ran.precision}};
    if (!ran.fallbackReason.empty()) j["fallback_reason"] = ran.fallbackReason;
    return j;
}

// The GPU benchmark set's cases as benchmarks: a bad option value is a usage error.
Benchmark fromCase(const BenchCase& c)
{
    return {c.name, c.description, c.addOptions,
            [run = c.run](QCommandLineParser& p, BenchContext& ctx, QTextStream& err) {
                try {
                    ctx.result = run(p, ctx.engine);
                } catch (const compute::bench::GpuCaseOptionError& e) {
                    err << "loupe bench: " << e.what() << "\n";
                    return int(ExitUsage);
                }
                return int(ExitOk);
            }};
}

std::vector<Benchmark> benchmarks()
{
    const auto threads = option("threads", "CPU threads (0: all cores).", "0");
    std::vector<Benchmark> all = {
        {QStringLiteral("vit"),
         QStringLiteral("Benchmark ViT-B/16 (224, random weights) on --backend at --dtype."),
         [=](QCommandLineParser& p) {
             p.addOption(option("runs", "Timed batch-1 runs.", "20"));
             p.addOption(option("batch8-runs", "Timed batch-8 runs.", "4"));
             p.addOption(option("batch64-runs", "Timed batch-64 runs (0: none).", "0"));
             p.addOption(threads);
         },
         runVit},
        {QStringLiteral("generate"),
         QStringLiteral(
             "Benchmark GPT-2 decoding on the CPU engine (f32; random weights of GPT-2 small's "
             "shapes unless --model): prefill time, decode tokens/s, per-step times, load average."),
         [](QCommandLineParser& p) {
             p.addOption(option("runs", "Timed runs after a warm-up run.", "3"));
             p.addOption(option("new-tokens", "Tokens decoded per run (EOS suppressed).", "128"));
             p.addOption(option("prompt-tokens", "Prompt length.", "8"));
             p.addOption(option("rows", "Batch rows: 1 decodes greedily, more sample that many rows.", "1"));
             p.addOption(option("threads", "CPU threads (0: all cores).", "2"));
             p.addOption(
                 option("trace-top-k", "Step traces: top-K alternatives of every step (0: off).", "0"));
             p.addOption({QStringLiteral("model"),
                          QStringLiteral("A GPT2LMHeadModel folder to time instead."),
                          QStringLiteral("DIR")});
             p.addOption({QStringLiteral("save"),
                          QStringLiteral("Write the random weights there first as a GPT2LMHeadModel folder "
                                         "(config.json, model.safetensors) and time that folder."),
                          QStringLiteral("DIR")});
         },
         runGenerate},
        {QStringLiteral("caption"),
         QStringLiteral("Benchmark GPT-2 small decoding (batch 1 and 8), ViT-GPT2 and BLIP base captioning "
                        "(time to first token, tokens/s, with and without step traces) on random weights."),
         [](QCommandLineParser& p) {
             p.addOption(option("runs", "Timed runs per case.", "3"));
             p.addOption(
                 option("new-tokens", "Tokens decoded per run (default 128, 16 with --quick).", "-1"));
             p.addOption(option("threads", "CPU threads (0: all cores).", "2"));
             p.addOption({QStringLiteral("quick"), QStringLiteral("2-layer, 64-wide models: a smoke test.")});
             p.addOption({QStringLiteral("tokenizers"),
                          QStringLiteral("Also time the tokenizers under DIR (gpt2/, clip/, bert/)."),
                          QStringLiteral("DIR")});
         },
         runCaption},
        {QStringLiteral("tokenizer"),
         QStringLiteral("Benchmark the GPT-2, CLIP and BERT tokenizers under FOLDER (gpt2/, clip/, bert/): "
                        "encode and decode MB/s on prose and on unique words."),
         [](QCommandLineParser& p) {
             p.addOption({QStringLiteral("megabytes"), QStringLiteral("Size of each text (default 2)."),
                          QStringLiteral("MB"), QStringLiteral("2")});
             p.addPositionalArgument(QStringLiteral("FOLDER"),
                                     QStringLiteral("Parent of the tokenizer folders."));
         },
         runTokenizer},
    };
    for (const BenchCase& c : benchCases())
        all.push_back(fromCase(c));
    return all;
}

int bench(const QStringList& args)
{
    QTextStream out(stdout), err(stderr);
    const std::vector<Benchmark> all = benchmarks();
    const QString which = args.value(0);
    const auto it = std::find_if(all.begin(), all.end(), [&](const Benchmark& b) { return b.name == which; });
    if (it == all.end()) {
        if (which == QStringLiteral("--help") || which == QStringLiteral("-h")) {
            out << "Usage: loupe bench BENCHMARK [options]\n\nBenchmarks of the inference engine, each "
                   "printing one JSON object:\n";
            for (const Benchmark& b : all)
                out << "  " << b.name.leftJustified(16) << b.description << "\n";
            return ExitOk;
        }
        if (!which.isEmpty()) err << "loupe bench: unknown benchmark \"" << which << "\"\n";
        err << kUsage;
        return ExitUsage;
    }
    QCommandLineParser p;
    p.setApplicationDescription(it->description);
    p.addHelpOption();
    p.addPositionalArgument(it->name, QStringLiteral("The benchmark."));
    it->addOptions(p);
    addCommonOptions(p);
    if (!p.parse(QStringList{QStringLiteral("loupe bench")} + args)) {
        err << "loupe bench: " << p.errorText() << "\n";
        return ExitUsage;
    }
    if (p.isSet(QStringLiteral("help"))) {
        out << commandHelpText(p, QStringLiteral("bench"));
        return ExitOk;
    }
    if (it->name != QStringLiteral("tokenizer") && p.positionalArguments().size() != 1) {
        err << "loupe bench: unexpected argument \"" << p.positionalArguments().value(1) << "\"\n";
        return ExitUsage;
    }
    BenchContext ctx;
    const auto engine = engineOptions(p, err);
    if (!engine) return ExitUsage;
    ctx.engine = *engine;
    const QString trace = p.value(QStringLiteral("trace"));
    if (p.isSet(QStringLiteral("trace"))) {
        // Refused before a long benchmark runs, not after.
        QFile probe(trace);
        if (trace.isEmpty() || !probe.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            err << "loupe bench: cannot write the trace \"" << trace
                << "\": " << (trace.isEmpty() ? QStringLiteral("empty path") : probe.errorString()) << "\n";
            return ExitFailure;
        }
        // Enough runs for a benchmark's timed repetitions to be in the trace, not only the last few.
        compute::Profiler::setRunsKept(4096);
        compute::Profiler::clear();
        compute::Profiler::setEnabled(true);
    }
    try {
        const int code = it->run(p, ctx, err);
        if (code != ExitOk) return code;
        if (it->name != QStringLiteral("tokenizer")) ctx.result["engine"] = engineJson(ctx.engine);
        if (p.isSet(QStringLiteral("trace"))) {
            compute::Profiler::setEnabled(false);
            compute::Profiler::writeChromeTrace(trace.toStdString());
            ctx.result["trace"] = {{"file", trace.toStdString()},
                                   {"graph_runs", compute::Profiler::runs().size()}};
        }
        out << QString::fromStdString(ctx.result.dump(2)) << "\n";
        return ExitOk;
    } catch (const std::exception& e) {
        err << "loupe bench " << it->name << ": " << e.what() << "\n";
        return ExitFailure;
    }
}

const CommandRegistrar registrar{
    {QStringLiteral("bench"),
     QStringLiteral("Benchmark the inference engine (bench vit|generate|caption|tokenizer|vit-forward|"
                    "gpt2-decode|vit-attribution|sam-encoder)"),
     bench}};

} // namespace

} // namespace loupe::cli
