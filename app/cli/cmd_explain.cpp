// SPDX-License-Identifier: MIT
// loupe explain --model DIR --method METHOD [--target CLASS] [--layer L --head H] [--metrics] IMAGE... -o OUT
// Per image: NAME.METHOD.png (overlay) and NAME.METHOD.npy (raw patch-grid map, float32, rows first);
// head-importance writes the [layers, heads] table as .npy and .json instead.
#include "app/cli/command.h"
#include "app/cli/threads.h"
#include "compute/attribution/npy.h"
#include "compute/error.h"
#include "core/explain/explainer.h"
#include "core/explain/faithfulness_report.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QImageReader>
#include <QJsonDocument>
#include <QTextStream>
#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

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
    opt("method",
        "attention | rollout | occlusion | rise | head-importance | chefer | input-x-grad | "
        "integrated-gradients | gradcam.",
        "METHOD");
    opt("target", "Class index or name (default: the top class).", "CLASS");
    opt("layer", "attention: layer (default: last).", "L", "-1");
    opt("head", "attention: head (default: mean over heads).", "H", "-1");
    opt("metrics", "Also write faithfulness scores and curves (deletion/insertion on zero and blur, "
                   "positive/negative perturbation) as NAME.METHOD.metrics.json.");
    opt("window", "occlusion: window side in pixels (default: one patch).", "PX", "0");
    opt("stride", "occlusion: stride in pixels (default: half a patch).", "PX", "0");
    opt("masks", "rise: number of masks.", "N", "1000");
    opt("cells", "rise: grid cells per side.", "S", "8");
    opt("p", "rise: probability a cell is kept.", "P", "0.5");
    opt("seed", "rise: seed.", "SEED", "0");
    opt("batch", "Images per forward pass.", "B", "16");
    opt("threads", "CPU threads (default: all cores).", "N");
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
        out << p.helpText();
        return ExitOk;
    }
    const QString usage = QStringLiteral(
        "usage: loupe explain --model DIR --method METHOD [--target CLASS] [--layer L --head H] [--metrics] "
        "IMAGE... -o OUTDIR\n");
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
    ExplainParams params;
    params.method = method;
    bool ok[8];
    params.layer = p.value(QStringLiteral("layer")).toInt(&ok[0]);
    params.head = p.value(QStringLiteral("head")).toInt(&ok[1]);
    params.occlusionWindow = p.value(QStringLiteral("window")).toInt(&ok[2]);
    params.occlusionStride = p.value(QStringLiteral("stride")).toInt(&ok[3]);
    params.riseMasks = p.value(QStringLiteral("masks")).toInt(&ok[4]);
    params.riseCells = p.value(QStringLiteral("cells")).toInt(&ok[5]);
    params.riseP = p.value(QStringLiteral("p")).toFloat(&ok[6]);
    params.seed = p.value(QStringLiteral("seed")).toULongLong(&ok[7]);
    bool okB = false;
    params.batchSize = p.value(QStringLiteral("batch")).toInt(&okB);
    if (!std::all_of(ok, ok + 8, [](bool b) { return b; }) || !okB || params.batchSize < 1 ||
        params.riseMasks < 1 || params.riseCells < 1 || !(params.riseP > 0 && params.riseP <= 1) ||
        params.occlusionWindow < 0 || params.occlusionStride < 0) {
        err << "loupe explain: a numeric option has a bad value\n" << usage;
        return ExitUsage;
    }
    if (!applyThreads(p.value(QStringLiteral("threads")))) return ExitUsage;
    const QString outDir = p.value(QStringLiteral("output"));
    if (!QDir().mkpath(outDir)) {
        err << "loupe explain: cannot create output folder " << outDir << "\n";
        return ExitFailure;
    }
    try {
        const VitSession s = VitSession::open(p.value(QStringLiteral("model")));
        if (s.model.arch() == compute::VitModel::Arch::ViTModel)
            throw compute::Error(p.value(QStringLiteral("model")).toStdString(),
                                 "a bare ViTModel has no classification head to explain");
        const int fixedTarget = resolveTarget(s, p.value(QStringLiteral("target")));
        int failures = 0;
        for (const QString& imagePath : p.positionalArguments()) {
            try {
                const compute::attribution::PlanarImage image = toPlanar(s.pixelValues(imagePath));
                const std::vector<float> logits = logitsOf(s, image);
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
                    const auto hi = explainHeads(s, image, target, params.batchSize);
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
                    const std::vector<float> map = explainMap(s, image, target, params);
                    compute::writeNpyF32((stem + ".npy").toStdString(), {grid.rows, grid.cols}, map);
                    QImageReader reader(imagePath);
                    reader.setAutoTransform(true);
                    const QImage original = reader.read();
                    if (!overlay(original, map, grid.rows, grid.cols).save(stem + ".png"))
                        throw compute::Error((stem + ".png").toStdString(), "cannot write");
                    row["npy"] = (stem + ".npy").toStdString();
                    row["png"] = (stem + ".png").toStdString();
                    if (p.isSet(QStringLiteral("metrics"))) {
                        const core::FaithfulnessReport f =
                            core::faithfulnessReport(s, image, target, map, grid.rows, grid.cols);
                        const nlohmann::json m = nlohmann::json::parse(
                            QJsonDocument(f.toJson()).toJson(QJsonDocument::Compact).toStdString());
                        writeJson(stem + ".metrics.json", m);
                        row["metrics"] = m;
                    }
                }
                out << QString::fromStdString(row.dump()) << "\n";
                out.flush();
            } catch (const compute::Error& e) {
                err << "loupe explain: " << e.what() << "\n";
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
