// SPDX-License-Identifier: MIT
#include "app/cli/engine_args.h"

#include "core/inference/execution.h"

#include <QCommandLineParser>
#include <QSet>
#include <QTextStream>
#include <nlohmann/json.hpp>

namespace loupe::cli {

namespace {

const QString kBackend = QStringLiteral("backend");
const QString kDtype = QStringLiteral("dtype");

} // namespace

void addEngineOptions(QCommandLineParser& p)
{
    p.addOption({kBackend,
                 QStringLiteral("Where the model runs: auto (CUDA, then a Vulkan GPU, then the CPU), cpu, "
                                "vulkan or cuda. A device that is missing or fails hands the work to the CPU "
                                "and says so (default: auto)."),
                 QStringLiteral("BACKEND")});
    p.addOption({kDtype,
                 QStringLiteral("Precision of the model's weights and matrix products: f32, bf16, f16 or "
                                "int8 (default: f32, or what a quantised checkpoint was saved as)."),
                 QStringLiteral("DTYPE")});
}

QString engineUsage()
{
    return QStringLiteral(" [--backend auto|cpu|vulkan|cuda] [--dtype f32|bf16|f16|int8]");
}

std::optional<compute::EngineOptions> parseEngineOptions(const QCommandLineParser& p, const QString& command)
{
    compute::EngineOptions o;
    QTextStream err(stderr);
    if (p.isSet(kBackend)) {
        const QString v = p.value(kBackend);
        const auto b = compute::parseBackendChoice(v.toStdString());
        if (!b) {
            err << "loupe " << command << ": --backend takes auto, cpu, vulkan or cuda, got '" << v << "'\n";
            return std::nullopt;
        }
        o.backend = *b;
    }
    if (p.isSet(kDtype)) {
        const QString v = p.value(kDtype);
        const auto d = compute::parsePrecision(v.toStdString());
        // "default" is the absence of the option, not a value to type.
        if (!d || *d == compute::Precision::Default) {
            err << "loupe " << command << ": --dtype takes f32, bf16, f16 or int8, got '" << v << "'\n";
            return std::nullopt;
        }
        o.precision = *d;
    }
    return o;
}

void reportFallback(const compute::ExecutionRecord& e, const QString& command)
{
    static QSet<QString> said; // a batch of images would otherwise repeat it per image
    const QString reason = QString::fromStdString(e.fallbackReason);
    if (reason.isEmpty() || said.contains(reason)) return;
    said.insert(reason);
    QTextStream(stderr) << "loupe " << command << ": " << reason << "\n";
}

void addExecutionJson(nlohmann::json& row, const compute::ExecutionRecord& e)
{
    row["backend"] = e.backend;
    row["device"] = e.device;
    row["precision"] = e.precision;
    if (!e.fallbackReason.empty()) row["fallback_reason"] = e.fallbackReason;
}

void addExecutionJson(QJsonObject& row, const compute::ExecutionRecord& e)
{
    const QJsonObject x = core::executionJson(e);
    for (auto it = x.begin(); it != x.end(); ++it)
        row.insert(it.key(), it.value());
}

} // namespace loupe::cli
