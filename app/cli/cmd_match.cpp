// SPDX-License-Identifier: MIT
// loupe match --model DIR IMAGE TEXT... [--json] [--heatmap DIR] [--threads N]
// CLIP zero-shot matching: how well each text describes the image (logits_per_image and the softmax over
// the texts). --heatmap writes, per text, the Chefer et al. relevancy of the image patches for that text's
// logit (gradient-weighted attention of the vision tower) as NAME.textK.npy (patch grid, float32, rows
// first) and NAME.textK.png (overlay on the part of the image the model sees: CLIP center-crops).
#include "app/cli/command.h"
#include "app/cli/engine_args.h"
#include "app/cli/help_text.h"
#include "app/cli/threads.h"
#include "compute/attribution/npy.h"
#include "compute/error.h"
#include "core/explain/explainer.h"
#include "core/imageio.h"
#include "core/inference/execution.h"
#include "core/inference/matcher.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QTextStream>
#include <nlohmann/json.hpp>

namespace loupe::cli {

namespace {

struct Heatmap
{
    std::string npy, png;
};

// Per text its relevancy map as .npy (patch grid, float32, rows first) and a PNG overlay on the part of
// the image the model sees.
std::vector<Heatmap> writeHeatmaps(core::Matcher& matcher, const QString& imagePath, const QStringList& texts,
                                   const QString& outDir)
{
    std::vector<int> all(size_t(texts.size()));
    for (size_t t = 0; t < all.size(); ++t)
        all[t] = int(t);
    const std::vector<std::vector<float>> maps = matcher.heatmaps(imagePath, texts, all);
    const int grid = matcher.grid();
    QString error;
    const QImage original = core::readImage(imagePath, &error);
    if (original.isNull()) throw compute::Error(error.toStdString());
    const QImage seen = original.copy(matcher.modelRegion(original));
    const QString stem = QDir(outDir).filePath(QFileInfo(imagePath).completeBaseName());
    std::vector<Heatmap> out;
    for (size_t t = 0; t < maps.size(); ++t) {
        Heatmap h;
        const QString base = stem + QStringLiteral(".text%1").arg(t);
        h.npy = (base + QStringLiteral(".npy")).toStdString();
        h.png = (base + QStringLiteral(".png")).toStdString();
        compute::writeNpyF32(h.npy, {grid, grid}, maps[t]);
        if (!core::overlay(seen, maps[t], grid, grid).save(QString::fromStdString(h.png)))
            throw compute::Error(h.png, "cannot write the overlay PNG");
        out.push_back(h);
    }
    return out;
}

int match(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        QStringLiteral("How well each text describes an image, with a CLIP checkpoint folder (CLIPModel): "
                       "logits_per_image and the softmax over the texts. Texts longer than the model's "
                       "max_position_embeddings are truncated with a warning, as the library's processor "
                       "does with truncation=True."));
    p.addHelpOption();
    p.addOption({QStringLiteral("model"),
                 QStringLiteral("Hugging Face CLIP checkpoint folder (config.json, weights, "
                                "preprocessor_config.json, vocab.json + merges.txt)."),
                 QStringLiteral("DIR")});
    p.addOption({QStringLiteral("json"), QStringLiteral("One JSON object: image, texts, probs, logits.")});
    p.addOption({QStringLiteral("heatmap"),
                 QStringLiteral("Write per text a patch-grid relevance map (Chefer et al., gradient-weighted "
                                "attention of the vision tower for that text's logit) as .npy and a PNG "
                                "overlay into DIR (created if missing)."),
                 QStringLiteral("DIR")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("CPU threads (default: all cores)."),
                 QStringLiteral("N")});
    addEngineOptions(p);
    p.addPositionalArgument(QStringLiteral("IMAGE"), QStringLiteral("The image."));
    p.addPositionalArgument(QStringLiteral("TEXT"), QStringLiteral("Texts to match (at least one)."),
                            QStringLiteral("TEXT..."));
    QTextStream out(stdout), err(stderr);
    if (!p.parse(QStringList{QStringLiteral("loupe match")} + args)) {
        err << "loupe match: " << p.errorText() << "\n";
        return ExitUsage;
    }
    if (p.isSet(QStringLiteral("help"))) {
        out << commandHelpText(p, QStringLiteral("match"));
        return ExitOk;
    }
    const QStringList pos = p.positionalArguments();
    if (!p.isSet(QStringLiteral("model")) || pos.size() < 2) {
        err << "usage: loupe match --model DIR IMAGE TEXT... [--json] [--heatmap DIR] [--threads N]\n"
               "(at least one text is required)\n";
        return ExitUsage;
    }
    if (!applyThreads(p.value(QStringLiteral("threads")))) return ExitUsage;
    const std::optional<compute::EngineOptions> engine = parseEngineOptions(p, QStringLiteral("match"));
    if (!engine) return ExitUsage;
    const QString image = pos.front();
    const QStringList texts = pos.mid(1);
    try {
        const QString folder = p.value(QStringLiteral("model"));
        const auto matcher = core::Matcher::open(folder, *engine);
        const core::ExecutionScope scope(*engine);
        const core::MatchScores scores = matcher->match(image, texts);
        for (qsizetype t = 0; t < texts.size(); ++t)
            if (const int64_t full = scores.truncatedFrom[size_t(t)])
                err << "loupe match: warning: \"" << texts[t] << "\" has " << full
                    << " tokens; truncated to the model's " << matcher->maxTextLength()
                    << " (max_position_embeddings, model_max_length)\n";
        const std::vector<float>& logits = scores.logits;
        const std::vector<float>& probs = scores.probs;

        std::vector<Heatmap> maps;
        if (p.isSet(QStringLiteral("heatmap"))) {
            const QString dir = p.value(QStringLiteral("heatmap"));
            if (!QDir().mkpath(dir))
                throw compute::Error(dir.toStdString(), "cannot create the heatmap folder");
            maps = writeHeatmaps(*matcher, image, texts, dir);
        }
        const compute::ExecutionRecord execution = scope.finish();
        reportFallback(execution, QStringLiteral("match"));
        if (p.isSet(QStringLiteral("json"))) {
            nlohmann::json row;
            row["image"] = image.toStdString();
            row["texts"] = nlohmann::json::array();
            for (const QString& t : texts)
                row["texts"].push_back(t.toStdString());
            row["probs"] = probs;
            row["logits"] = logits;
            if (!maps.empty()) {
                row["heatmaps"] = nlohmann::json::array();
                for (const Heatmap& h : maps)
                    row["heatmaps"].push_back({{"npy", h.npy}, {"png", h.png}});
            }
            addExecutionJson(row, execution);
            out << QString::fromStdString(row.dump()) << "\n";
        } else {
            out << image << "\n";
            for (qsizetype t = 0; t < texts.size(); ++t) {
                out << QStringLiteral("  %1  (logit %2)  %3\n")
                           .arg(double(probs[size_t(t)]), 8, 'f', 5)
                           .arg(double(logits[size_t(t)]), 0, 'g', 6)
                           .arg(texts[t]);
                if (!maps.empty()) out << "      " << QString::fromStdString(maps[size_t(t)].png) << "\n";
            }
        }
        return ExitOk;
    } catch (const compute::Error& e) {
        err << "loupe match: " << e.what() << "\n";
        return ExitFailure;
    }
}

const CommandRegistrar registrar{
    {QStringLiteral("match"), QStringLiteral("How well texts describe an image, with a CLIP model"), match}};

} // namespace

} // namespace loupe::cli
