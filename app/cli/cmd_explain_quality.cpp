// SPDX-License-Identifier: MIT
// loupe explain-quality [--model DIR] [--random-model DIR] [--images DIR (--masks DIR | --coco FILE)]
// Explanation quality against known truth: per attribution method the pointing-game accuracy, the share of
// positive relevance inside the mask, deletion/insertion AUC and (with --random-model) the
// model-randomisation rank correlation. Without --images it generates shapes-world images, whose target
// object's mask is exact. The scoring lives in core/explain/quality*; this file only parses and prints.
#include "app/cli/command.h"
#include "app/cli/engine_args.h"
#include "app/cli/help_text.h"
#include "app/cli/quality_coco.h"
#include "app/cli/threads.h"
#include "compute/attribution/faithfulness.h"
#include "compute/attribution/rise.h"
#include "compute/error.h"
#include "core/explain/explain_method_registry.h"
#include "core/explain/quality_export.h"
#include "core/explain/quality_folder.h"
#include "core/inference/execution.h"
#include "core/samples/sampleproject.h"
#include "core/samples/shapesworld.h"

#include <QCommandLineParser>
#include <QJsonDocument>
#include <QSaveFile>
#include <QTextStream>
#include <optional>
#include <unistd.h>

namespace loupe::cli {

namespace {

QStringList allMethods()
{
    QStringList m = core::forwardMethods();
    m.removeAll(QStringLiteral("head-importance"));
    return m;
}

int explainQuality(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Measure attribution methods against known object masks: generated shapes-world images by default, "
        "or an image folder with a mask folder (same relative path and base name, non-zero = object) or a "
        "COCO file with polygons/RLE."));
    p.addHelpOption();
    auto opt = [&](const char* name, const char* help, const char* value, const QString& def = {}) {
        p.addOption({QString::fromLatin1(name), QString::fromLatin1(help), QString::fromLatin1(value), def});
    };
    opt("model", "Checkpoint folder of the classifier to explain (default: the shipped shapes-vit).", "DIR");
    opt("random-model",
        "The same architecture with re-initialised weights (randomisation check; default with the shipped "
        "model: the shipped shapes-vit-random).",
        "DIR");
    opt("images", "Folder of images (recursive) instead of generated shapes.", "DIR");
    opt("masks", "Folder of mask PNGs laid out like --images.", "DIR");
    opt("coco", "COCO instances JSON whose polygons/RLE are the masks (instead of --masks).", "FILE");
    opt("targets", "CSV (image,class) or JSON {image: class}: the class to explain; default the top class.",
        "FILE");
    opt("count", "Images to generate (shapes world), or the first N of --images.", "N");
    opt("seed", "Shapes-world seed.", "S", QStringLiteral("2026"));
    opt("first", "Shapes world: start at image K (to split a long run into parts).", "K",
        QStringLiteral("0"));
    opt("rise-masks", "RISE masks per image (at most 100000).", "N", QStringLiteral("300"));
    opt("methods", "Comma-separated methods.", "LIST", allMethods().join(QLatin1Char(',')));
    opt("steps", "Deletion/insertion steps (at most 1000).", "K", QStringLiteral("16"));
    opt("set",
        "A plugin method's own setting, as loupe explain --set takes it: KEY=VALUE for every method "
        "measured that has KEY, METHOD:KEY=VALUE for one (repeatable).",
        "[METHOD:]KEY=VALUE");
    opt("threads", "CPU threads (default: all cores).", "N");
    opt("csv", "Also write one CSV row per image and method to FILE.", "FILE");
    p.addOption({QStringLiteral("json"), QStringLiteral("Print JSON (the default).")});
    p.addOption({QStringLiteral("table"), QStringLiteral("Print a Markdown table instead of JSON.")});
    p.addOption({QStringLiteral("progress"),
                 QStringLiteral("Report progress on stderr (default when stderr is a terminal).")});
    addEngineOptions(p);
    p.addOption({QStringLiteral("interpolate-pos-encoding"),
                 QStringLiteral("Accept images the processor resizes to a size other than the model's.")});
    QTextStream out(stdout), err(stderr);
    auto usage = [&](const QString& why) {
        err << "loupe explain-quality: " << why << "\n"
            << "usage: loupe explain-quality [--model DIR] [--random-model DIR] [--images DIR (--masks DIR | "
               "--coco FILE) [--targets FILE]] [--count N] [--seed S] [--methods LIST] [--json|--table] "
               "[--csv FILE] [--set [METHOD:]KEY=VALUE]..."
            << engineUsage() << "\n";
        return int(ExitUsage);
    };
    if (!p.parse(QStringList{QStringLiteral("loupe explain-quality")} + args)) return usage(p.errorText());
    if (p.isSet(QStringLiteral("help"))) {
        out << commandHelpText(p, QStringLiteral("explain-quality"));
        return ExitOk;
    }
    // Without --model: the shipped demo classifier and its twin, found next to the executable
    // (../share/loupe/models when installed) or in the source tree.
    QString modelDir = p.value(QStringLiteral("model")), randomDir = p.value(QStringLiteral("random-model"));
    if (modelDir.isEmpty()) {
        modelDir = core::findShippedModel();
        if (modelDir.isEmpty()) return usage(QStringLiteral("--model is required (no shipped model found)"));
        if (randomDir.isEmpty()) randomDir = core::findShippedModel(QStringLiteral("shapes-vit-random"));
    }
    const bool folder = p.isSet(QStringLiteral("images"));
    if (folder && p.isSet(QStringLiteral("masks")) == p.isSet(QStringLiteral("coco")))
        return usage(QStringLiteral("--images needs exactly one of --masks and --coco"));
    if (!folder && (p.isSet(QStringLiteral("masks")) || p.isSet(QStringLiteral("coco")) ||
                    p.isSet(QStringLiteral("targets"))))
        return usage(QStringLiteral("--masks, --coco and --targets go with --images"));
    bool okN = true, okS = false, okM = false, okK = false, okF = false;
    const int first = p.value(QStringLiteral("first")).toInt(&okF);
    const int count = p.isSet(QStringLiteral("count")) ? p.value(QStringLiteral("count")).toInt(&okN) : -1;
    const uint64_t seed = p.value(QStringLiteral("seed")).toULongLong(&okS);
    core::QualityOptions options;
    options.riseMasks = p.value(QStringLiteral("rise-masks")).toInt(&okM);
    options.steps = p.value(QStringLiteral("steps")).toInt(&okK);
    options.methods = p.value(QStringLiteral("methods")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    options.keepPerImage = p.isSet(QStringLiteral("csv"));
    if (!okN || (p.isSet(QStringLiteral("count")) && count < 1) || !okS || !okF || first < 0)
        return usage(QStringLiteral("--count, --seed and --first take positive numbers"));
    if (!okM || options.riseMasks < 1 || options.riseMasks > compute::attribution::kRiseMaxMasks)
        return usage(QStringLiteral("--rise-masks takes a whole number from 1 to %1, got '%2'")
                         .arg(compute::attribution::kRiseMaxMasks)
                         .arg(p.value(QStringLiteral("rise-masks"))));
    if (!okK || options.steps < 1 || options.steps > compute::attribution::kMaxCurveSteps)
        return usage(QStringLiteral("--steps takes a whole number from 1 to %1, got '%2'")
                         .arg(compute::attribution::kMaxCurveSteps)
                         .arg(p.value(QStringLiteral("steps"))));
    if (folder && first > 0) return usage(QStringLiteral("--first goes with the generated shapes world"));
    const QString badMethod = core::checkQualityMethods(options.methods);
    if (!badMethod.isEmpty()) return usage(badMethod);
    QString settingsError;
    const std::optional<QMap<QString, QVariantMap>> settings =
        core::parseExplainMethodsSettings(options.methods, p.values(QStringLiteral("set")), &settingsError);
    if (!settings) return usage(settingsError);
    options.methodSettings = *settings;
    if (!applyThreads(p.value(QStringLiteral("threads")))) return ExitUsage;
    const std::optional<compute::EngineOptions> engine =
        parseEngineOptions(p, QStringLiteral("explain-quality"));
    if (!engine) return ExitUsage;

    core::QualitySource source;
    std::optional<core::ShapesWorld> world;
    if (folder) {
        QString error;
        core::QualityTargets targets;
        if (p.isSet(QStringLiteral("targets"))) {
            targets = core::readQualityTargets(p.value(QStringLiteral("targets")), &error);
            if (targets.isEmpty()) {
                err << "loupe explain-quality: " << error << "\n";
                return ExitFailure;
            }
        }
        source = p.isSet(QStringLiteral("masks"))
                     ? core::folderQualitySource(p.value(QStringLiteral("images")),
                                                 p.value(QStringLiteral("masks")), targets, &error)
                     : cocoQualitySource(p.value(QStringLiteral("images")), p.value(QStringLiteral("coco")),
                                         targets, &error);
        if (source.count == 0) {
            err << "loupe explain-quality: " << error << "\n";
            return ExitFailure;
        }
        if (count > 0) source.count = std::min(source.count, count);
    } else {
        world.emplace(seed);
        source = core::shapesQualitySource(*world, count > 0 ? count : 500, first);
    }
    try {
        core::VitSession s = core::VitSession::open(modelDir, *engine);
        s.interpolatePosEncoding = p.isSet(QStringLiteral("interpolate-pos-encoding"));
        std::optional<core::VitSession> random;
        if (!randomDir.isEmpty()) {
            random.emplace(core::VitSession::open(randomDir, *engine));
            random->interpolatePosEncoding = s.interpolatePosEncoding;
        }
        if (!folder && s.model.config().numLabels() < core::kShapeClassCount)
            throw compute::Error(modelDir.toStdString(),
                                 "has fewer labels than the shapes world's six classes");
        core::QualityCallbacks callbacks;
        if (p.isSet(QStringLiteral("progress")) || isatty(STDERR_FILENO))
            callbacks.progress = [&err](int done, int total) {
                err << "explain-quality: " << done << "/" << total << "\n";
                err.flush();
            };
        const core::ExecutionScope scope(*engine);
        const core::QualityReport report =
            core::runQuality(s, random ? &*random : nullptr, source, options, callbacks);
        const compute::ExecutionRecord execution = scope.finish();
        reportFallback(execution, QStringLiteral("explain-quality"));
        if (p.isSet(QStringLiteral("csv"))) {
            QSaveFile f(p.value(QStringLiteral("csv")));
            if (!f.open(QIODevice::WriteOnly) || f.write(core::qualityImagesCsv(report)) < 0 || !f.commit()) {
                err << "loupe explain-quality: " << f.fileName() << ": cannot write: " << f.errorString()
                    << "\n";
                return ExitFailure;
            }
        }
        if (p.isSet(QStringLiteral("table"))) {
            out << core::qualityMarkdown(report);
            return ExitOk;
        }
        QJsonObject j = core::qualityJson(report, options);
        j[QStringLiteral("model")] = modelDir;
        if (random) j[QStringLiteral("random_model")] = randomDir;
        j[QStringLiteral("source")] = source.description;
        if (world) j[QStringLiteral("seed")] = qint64(seed);
        addExecutionJson(j, execution);
        out << QJsonDocument(j).toJson(QJsonDocument::Indented);
        return ExitOk;
    } catch (const std::exception& e) {
        err << "loupe explain-quality: " << e.what() << "\n";
        return ExitFailure;
    }
}

const CommandRegistrar registrar{
    {QStringLiteral("explain-quality"),
     QStringLiteral("Score attribution methods against known object masks (shapes world or your data; JSON)"),
     explainQuality}};

} // namespace

} // namespace loupe::cli
