// SPDX-License-Identifier: MIT
// loupe explain --model DIR [--method METHOD] [--target CLASS] [--layer L --head H] [--metrics] IMAGE... -o
// OUT Per image: NAME.METHOD.png (overlay) and NAME.METHOD.npy (raw patch-grid map, float32, rows first);
// head-importance writes the [layers, heads] table as .npy and .json instead.
#include "app/cli/command.h"
#include "app/cli/engine_args.h"
#include "app/cli/help_text.h"
#include "app/cli/threads.h"
#include "compute/attribution/npy.h"
#include "compute/attribution/rise.h"
#include "compute/error.h"
#include "compute/models/finite_outputs.h"
#include "core/explain/explain_method_registry.h"
#include "core/explain/explainer.h"
#include "core/explain/faithfulness_report.h"
#include "core/imageio.h"
#include "core/inference/execution.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QImageReader>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>
#include <algorithm>
#include <climits>
#include <fstream>
#include <nlohmann/json.hpp>
#include <unistd.h>

namespace loupe::cli {

using core::explainHeads;
using core::explainMap;
using core::ExplainParams;
using core::forwardMethods;
using core::isKnownMethod;
using core::logitsOf;
using core::overlay;
using core::patchGrid;
using core::toPlanar;
using core::VitSession;

namespace {

// No input side the engine takes is larger; options measured in pixels are bounded by it.
constexpr int kMaxSide = 65536;

// --target as an index or a label name (case-insensitive); -1 when absent, throws when unknown.
int resolveTarget(const VitSession& s, const QString& value)
{
    if (value.isEmpty()) return -1;
    bool ok = false;
    const int idx = value.toInt(&ok);
    const int64_t classes = s.model.config().numLabels();
    if (ok) {
        if (idx < 0 || idx >= classes)
            throw compute::Error("--target", "class index " + value.toStdString() + " is outside 0.." +
                                                 std::to_string(classes - 1));
        return idx;
    }
    for (const auto& [i, name] : s.model.config().id2label)
        if (QString::fromStdString(name).compare(value, Qt::CaseInsensitive) == 0) return int(i);
    throw compute::Error("--target", "no class named '" + value.toStdString() + "'");
}

void writeJson(const QString& path, const nlohmann::json& j)
{
    std::ofstream f(path.toStdString());
    f << j.dump(2) << "\n";
    if (!f) throw compute::Error(path.toStdString(), "cannot write");
}

// What --set takes: the settings of the methods plugins add, with their defaults.
QString methodSettingsHelp()
{
    QStringList lines;
    for (const core::ExplainMethodEntry& e : core::registeredExplainMethods())
        for (const core::ExplainMethodSetting& s : e.settings)
            lines << QStringLiteral("%1: %2 (default %3) %4")
                         .arg(e.name, s.key, s.defaultValue.toString(), s.description);
    return QStringLiteral("A setting of the method's own, repeatable%1")
        .arg(lines.isEmpty() ? QStringLiteral(" (no method here has any).")
                             : QStringLiteral(":\n") + lines.join(QLatin1Char('\n')));
}

int explain(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Explain a ViT/DeiT classification: which patches drove it."));
    p.addHelpOption();
    auto opt = [&](const char* name, const char* help, const char* value = nullptr,
                   const char* def = nullptr) {
        if (value)
            p.addOption({QString::fromLatin1(name), QString::fromLatin1(help), QString::fromLatin1(value),
                         def ? QString::fromLatin1(def) : QString()});
        else
            p.addOption({QString::fromLatin1(name), QString::fromLatin1(help)});
    };
    opt("model", "Hugging Face checkpoint folder.", "DIR");
    const QString methodHelp =
        QStringLiteral("One of: %1 (default: chefer).").arg(forwardMethods().join(", "));
    p.addOption({QStringLiteral("method"), methodHelp, QStringLiteral("METHOD"), QStringLiteral("chefer")});
    opt("target", "Class index or name (default: the top class).", "CLASS");
    opt("layer", "attention: layer; gradcam and gradcam-attn: block (default: last).", "L", "-1");
    opt("head", "attention: head (default: mean over heads).", "H", "-1");
    opt("metrics",
        "Also score the map's faithfulness (deletion/insertion on zero and blur, positive/negative "
        "perturbation): scores and curves go to NAME.METHOD.metrics.json, a summary to stdout.");
    opt("window", "occlusion: window side in pixels (default: one patch).", "PX", "0");
    opt("stride", "occlusion: stride in pixels (default: half a patch).", "PX", "0");
    opt("masks", "rise: number of masks (at most 100000).", "N", "1000");
    opt("cells", "rise: grid cells per side (at most the input side).", "S", "8");
    opt("p", "rise: probability a cell is kept.", "P", "0.5");
    opt("seed", "rise: seed.", "SEED", "0");
    opt("batch", "Images per forward pass.", "B", "16");
    p.addOption({QStringLiteral("set"), methodSettingsHelp(), QStringLiteral("KEY=VALUE")});
    opt("threads", "CPU threads (default: all cores).", "N");
    opt("interpolate-pos-encoding",
        "Accept images the processor resizes to a size other than the model's (interpolates the position "
        "embeddings, as transformers' interpolate_pos_encoding).");
    addEngineOptions(p);
    opt("progress", "Report the model passes of long methods on stderr (default when stderr is a terminal).");
    p.addOption({{QStringLiteral("o"), QStringLiteral("output")},
                 QStringLiteral("Output folder."),
                 QStringLiteral("OUTDIR")});
    p.addPositionalArgument(QStringLiteral("IMAGE"), QStringLiteral("Images to explain."),
                            QStringLiteral("IMAGE..."));
    QTextStream out(stdout), err(stderr);
    if (!p.parse(QStringList{QStringLiteral("loupe explain")} + args)) {
        err << "loupe explain: " << p.errorText() << "\n";
        return ExitUsage;
    }
    if (p.isSet(QStringLiteral("help"))) {
        out << commandHelpText(p, QStringLiteral("explain"));
        return ExitOk;
    }
    const QString usage = QStringLiteral("usage: loupe explain --model DIR [--method METHOD] [--target "
                                         "CLASS] [--layer L --head H] [--metrics] "
                                         "IMAGE... -o OUTDIR") +
                          engineUsage() + QStringLiteral("\n");
    const QString method = p.value(QStringLiteral("method"));
    if (!p.isSet(QStringLiteral("model")) || !p.isSet(QStringLiteral("output")) || method.isEmpty() ||
        p.positionalArguments().isEmpty()) {
        err << usage;
        return ExitUsage;
    }
    if (!isKnownMethod(method)) {
        err << "loupe explain: unknown method '" << method << "'; one of " << forwardMethods().join(", ")
            << "\n";
        return ExitUsage;
    }
    QString settingsError;
    const std::optional<QVariantMap> methodSettings =
        core::parseExplainMethodSettings(method, p.values(QStringLiteral("set")), &settingsError);
    if (!methodSettings) {
        err << "loupe explain: --set: " << settingsError << "\n";
        return ExitUsage;
    }
    ExplainParams params;
    params.method = method;
    // Each numeric option is checked on its own so the message names the option, its value and the range.
    QString bad;
    auto intOption = [&](const char* name, int lo, int hi) {
        const QString v = p.value(QString::fromLatin1(name));
        bool ok = false;
        const qlonglong n = v.toLongLong(&ok);
        if (bad.isEmpty() && (!ok || n < lo || n > hi))
            bad = QStringLiteral("--%1 takes a whole number from %2 to %3, got '%4'")
                      .arg(QString::fromLatin1(name))
                      .arg(lo)
                      .arg(hi)
                      .arg(v);
        return ok ? int(std::clamp<qlonglong>(n, lo, hi)) : lo;
    };
    params.layer = intOption("layer", -1, 4096);
    params.head = intOption("head", -1, 4096);
    params.occlusionWindow = intOption("window", 0, INT_MAX); // both are clamped to the image
    params.occlusionStride = intOption("stride", 0, INT_MAX);
    params.riseMasks = intOption("masks", 1, compute::attribution::kRiseMaxMasks);
    params.riseCells = intOption("cells", 1, kMaxSide);
    params.batchSize = intOption("batch", 1, 1024);
    bool okP = false, okSeed = false;
    params.riseP = p.value(QStringLiteral("p")).toFloat(&okP);
    params.seed = p.value(QStringLiteral("seed")).toULongLong(&okSeed);
    if (bad.isEmpty() && !(okP && params.riseP > 0 && params.riseP <= 1))
        bad = QStringLiteral("--p takes a probability in (0, 1], got '%1'").arg(p.value(QStringLiteral("p")));
    if (bad.isEmpty() && !okSeed)
        bad = QStringLiteral("--seed takes a non-negative whole number, got '%1'")
                  .arg(p.value(QStringLiteral("seed")));
    if (!bad.isEmpty()) {
        err << "loupe explain: " << bad << "\n" << usage;
        return ExitUsage;
    }
    if (!applyThreads(p.value(QStringLiteral("threads")))) return ExitUsage;
    const std::optional<compute::EngineOptions> engine = parseEngineOptions(p, QStringLiteral("explain"));
    if (!engine) return ExitUsage;
    const QString outDir = p.value(QStringLiteral("output"));
    if (!QDir().mkpath(outDir)) {
        err << "loupe explain: cannot create output folder " << outDir << "\n";
        return ExitFailure;
    }
    try {
        VitSession s = VitSession::open(p.value(QStringLiteral("model")), *engine);
        s.interpolatePosEncoding = p.isSet(QStringLiteral("interpolate-pos-encoding"));
        const bool showProgress = p.isSet(QStringLiteral("progress")) || isatty(STDERR_FILENO);
        if (s.model.arch() == compute::VitModel::Arch::ViTModel)
            throw compute::Error(p.value(QStringLiteral("model")).toStdString(),
                                 "a bare ViTModel has no classification head to explain");
        const int fixedTarget = resolveTarget(s, p.value(QStringLiteral("target")));
        int failures = 0;
        for (const QString& imagePath : p.positionalArguments()) {
            try {
                const compute::attribution::PlanarImage image = toPlanar(s.pixelValues(imagePath));
                if (method == QLatin1String("rise") && params.riseCells > std::min(image.height, image.width))
                    throw compute::Error(
                        "--cells", std::to_string(params.riseCells) + " cells per side on the model's " +
                                       std::to_string(image.width) + "×" + std::to_string(image.height) +
                                       " input (at most one cell per pixel)");
                core::ExplainControl control;
                if (showProgress)
                    control.progress = [&err, &imagePath, &method](int done, int total) {
                        err << "explain " << method << " " << QFileInfo(imagePath).fileName() << ": " << done
                            << "/" << total << " passes\r";
                        if (done >= total) err << "\n";
                        err.flush();
                        return true;
                    };
                const core::ExecutionScope scope(*engine);
                const std::vector<float> logits = logitsOf(s, image);
                compute::requireFiniteOutputs(logits.data(), logits.size(), imagePath.toStdString());
                const int target = fixedTarget >= 0
                                       ? fixedTarget
                                       : int(std::max_element(logits.begin(), logits.end()) - logits.begin());
                const QString stem =
                    QDir(outDir).filePath(QFileInfo(imagePath).completeBaseName() + "." + method);
                nlohmann::json row{{"image", imagePath.toStdString()},
                                   {"method", method.toStdString()},
                                   {"target", target},
                                   {"label", s.label(target)},
                                   {"logit", logits[size_t(target)]}};
                if (method == QLatin1String("head-importance")) {
                    const auto hi = explainHeads(s, image, target, params.batchSize, &control);
                    compute::writeNpyF32((stem + ".npy").toStdString(), {hi.layers, hi.heads}, hi.delta);
                    nlohmann::json table = row;
                    table["baseline_logit"] = hi.baseline;
                    table["delta"] = nlohmann::json::array();
                    for (int l = 0; l < hi.layers; ++l)
                        table["delta"].push_back(std::vector<float>(hi.delta.begin() + l * hi.heads,
                                                                    hi.delta.begin() + (l + 1) * hi.heads));
                    table["layer_delta"] = hi.layerDelta;
                    std::vector<int> order(hi.delta.size());
                    for (size_t i = 0; i < order.size(); ++i)
                        order[i] = int(i);
                    std::stable_sort(order.begin(), order.end(),
                                     [&](int a, int b) { return hi.delta[size_t(a)] > hi.delta[size_t(b)]; });
                    table["ranking"] = nlohmann::json::array();
                    for (int k : order)
                        table["ranking"].push_back({{"layer", k / hi.heads},
                                                    {"head", k % hi.heads},
                                                    {"delta", hi.delta[size_t(k)]}});
                    writeJson(stem + ".json", table);
                    row["npy"] = (stem + ".npy").toStdString();
                    row["json"] = (stem + ".json").toStdString();
                } else {
                    const auto grid = patchGrid(s, image.height, image.width);
                    const std::vector<float> map =
                        core::explainMapWithSettings(s, image, target, params, *methodSettings, &control);
                    compute::requireFiniteOutputs(map.data(), map.size(), imagePath.toStdString());
                    compute::writeNpyF32((stem + ".npy").toStdString(), {grid.rows, grid.cols}, map);
                    const QImage original = core::readImage(imagePath, nullptr);
                    QImage png = overlay(original, map, grid.rows, grid.cols);
                    // The PNG carries what made it, so a map made below f32 says so wherever it goes.
                    const compute::ExecutionRecord made = scope.finish();
                    png.setText(QStringLiteral("Loupe-Backend"), QString::fromStdString(made.backend));
                    png.setText(QStringLiteral("Loupe-Device"), QString::fromStdString(made.device));
                    png.setText(QStringLiteral("Loupe-Precision"), QString::fromStdString(made.precision));
                    if (!png.save(stem + ".png"))
                        throw compute::Error((stem + ".png").toStdString(), "cannot write");
                    row["npy"] = (stem + ".npy").toStdString();
                    row["png"] = (stem + ".png").toStdString();
                    if (!methodSettings->isEmpty())
                        row["settings"] =
                            nlohmann::json::parse(QJsonDocument(QJsonObject::fromVariantMap(*methodSettings))
                                                      .toJson(QJsonDocument::Compact)
                                                      .toStdString());
                    if (p.isSet(QStringLiteral("metrics"))) {
                        const core::FaithfulnessReport f =
                            core::faithfulnessReport(s, image, target, map, grid.rows, grid.cols);
                        const nlohmann::json m = nlohmann::json::parse(
                            QJsonDocument(f.toJson()).toJson(QJsonDocument::Compact).toStdString());
                        writeJson(stem + ".metrics.json", m);
                        // The curves stay in the file; the line printed per image carries the headline
                        // scores.
                        nlohmann::json summary{{"file", (stem + ".metrics.json").toStdString()}};
                        for (auto it = m.begin(); it != m.end(); ++it)
                            if (it.value().is_number()) summary[it.key()] = it.value();
                        row["metrics"] = summary;
                    }
                }
                const compute::ExecutionRecord execution = scope.finish();
                reportFallback(execution, QStringLiteral("explain"));
                addExecutionJson(row, execution);
                out << QString::fromStdString(row.dump()) << "\n";
                out.flush();
            } catch (const std::bad_alloc&) {
                err << "loupe explain: " << imagePath << ": out of memory\n";
                ++failures;
            } catch (const std::exception& e) {
                err << "loupe explain: " << imagePath << ": " << e.what() << "\n";
                ++failures;
            }
        }
        return failures ? ExitFailure : ExitOk;
    } catch (const compute::Error& e) {
        err << "loupe explain: " << e.what() << "\n";
        return ExitFailure;
    } catch (const std::exception& e) {
        err << "loupe explain: " << e.what() << "\n";
        return ExitFailure;
    }
}

const CommandRegistrar registrar{
    {QStringLiteral("explain"),
     QStringLiteral("Attribution maps (attention, rollout, Chefer, input×grad, IG, occlusion, RISE, heads)"),
     explain}};

} // namespace

} // namespace loupe::cli
