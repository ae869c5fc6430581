// SPDX-License-Identifier: MIT
// loupe match --model DIR IMAGE TEXT... [--json] [--heatmap DIR] [--threads N]
// CLIP zero-shot matching: how well each text describes the image (logits_per_image and the softmax over
// the texts). --heatmap writes, per text, the Chefer et al. relevancy of the image patches for that text's
// logit (gradient-weighted attention of the vision tower) as NAME.textK.npy (patch grid, float32, rows
// first) and NAME.textK.png (overlay on the part of the image the model sees: CLIP center-crops).
#include "app/cli/command.h"
#include "app/cli/help_text.h"
#include "app/cli/threads.h"
#include "compute/attribution/attention_maps.h"
#include "compute/attribution/npy.h"
#include "compute/error.h"
#include "compute/io/checkpoint.h"
#include "compute/models/clip.h"
#include "compute/models/clip_gradients.h"
#include "compute/models/finite_outputs.h"
#include "compute/preprocess/image_processor.h"
#include "compute/preprocess/processor_fit.h"
#include "compute/text/tokenizer.h"
#include "core/explain/explainer.h"
#include "core/imageio.h"
#include "core/inference/pixel_values.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QTextStream>
#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace loupe::cli {

namespace {

namespace attr = compute::attribution;

// The region of the decoded image that becomes the model's input: CLIP resizes the short side and crops
// the center, so a wide image's edges are never seen and the map covers only the middle.
QRect modelRegion(const QImage& image, const compute::ImageProcessorConfig& proc)
{
    const int h = image.height(), w = image.width();
    const auto [rh, rw] = compute::resizedSize(h, w, proc);
    if (!proc.doCenterCrop || rh <= 0 || rw <= 0) return image.rect();
    const int ch = std::min(proc.cropHeight, rh), cw = std::min(proc.cropWidth, rw);
    const double sy = double(h) / rh, sx = double(w) / rw;
    const int top = (rh - ch) / 2, left = (rw - cw) / 2;
    return QRect(int(std::lround(left * sx)), int(std::lround(top * sy)),
                 std::max(1, int(std::lround(cw * sx))), std::max(1, int(std::lround(ch * sy))))
        .intersected(image.rect());
}

struct Heatmap
{
    std::string npy, png;
};

// Per text: d logit_t / d vision attentions for the image repeated once per text (images never mix in
// the vision tower, so one batch holds every text's explanation), then Chefer's rule on the CLS row.
std::vector<Heatmap> writeHeatmaps(const compute::ClipModel& model, const compute::Tensor& px,
                                   const compute::Tensor& textEmbeds, const QString& imagePath,
                                   const compute::ImageProcessorConfig& proc, const QString& outDir)
{
    const int64_t T = textEmbeds.size(0);
    compute::Tensor batch =
        compute::Tensor::empty(compute::DType::F32, {T, px.size(1), px.size(2), px.size(3)});
    for (int64_t t = 0; t < T; ++t)
        compute::copyInto(batch.slice(0, t, t + 1), px);
    const compute::ClipVisionGradients g = compute::clipVisionGradients(model, batch, textEmbeds);
    const auto& vc = model.config().vision;
    const int grid = int(vc.gridSize()), tokens = int(vc.numPositions()), heads = int(vc.numAttentionHeads);
    QString error;
    const QImage original = core::readImage(imagePath, &error);
    if (original.isNull()) throw compute::Error(error.toStdString());
    const QImage seen = original.copy(modelRegion(original, proc));
    const QString stem = QDir(outDir).filePath(QFileInfo(imagePath).completeBaseName());
    std::vector<Heatmap> out;
    for (int64_t t = 0; t < T; ++t) {
        attr::AttentionSet attn{int(g.attentions.size()), heads, tokens, {}}, grads = attn;
        for (size_t l = 0; l < g.attentions.size(); ++l) {
            attn.layer.push_back(g.attentions[l].ptr<float>() + t * int64_t(attn.layerSize()));
            grads.layer.push_back(g.attnGrads[l].ptr<float>() + t * int64_t(attn.layerSize()));
        }
        const std::vector<float> map = attr::patchMap(attr::cheferRow(attn, grads, 0), {grid, grid, 1});
        Heatmap h;
        const QString base = stem + QStringLiteral(".text%1").arg(t);
        h.npy = (base + QStringLiteral(".npy")).toStdString();
        h.png = (base + QStringLiteral(".png")).toStdString();
        compute::writeNpyF32(h.npy, {grid, grid}, map);
        if (!core::overlay(seen, map, grid, grid).save(QString::fromStdString(h.png)))
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
    const QString image = pos.front();
    const QStringList texts = pos.mid(1);
    try {
        const QString folder = p.value(QStringLiteral("model"));
        const compute::Checkpoint ckpt = compute::Checkpoint::open(folder.toStdString());
        const compute::ClipModel model = compute::ClipModel::fromCheckpoint(ckpt);
        const std::string procPath = (folder + QStringLiteral("/preprocessor_config.json")).toStdString();
        if (!QFileInfo::exists(QString::fromStdString(procPath)))
            throw compute::Error(procPath, "missing: a CLIP folder needs its image processor settings");
        const compute::ImageProcessorConfig proc = compute::ImageProcessorConfig::fromFile(procPath);
        const int64_t side = model.config().vision.imageSize;
        const auto fixed = compute::fixedOutputSize(proc);
        if (!fixed || fixed->height != side || fixed->width != side)
            throw compute::Error(procPath,
                                 std::string("images leave the processor at ") +
                                     (fixed ? std::to_string(fixed->height) + "x" +
                                                  std::to_string(fixed->width) + " (" + fixed->field + ")"
                                            : std::string("the image's own size")) +
                                     " but the model takes " + std::to_string(side) + "x" +
                                     std::to_string(side) + " (config.json vision_config.image_size)");
        const auto tok = compute::text::loadTokenizer(folder.toStdString());
        if (tok->kind() != "clip")
            throw compute::Error(folder.toStdString(), "the tokenizer is " + tok->kind() +
                                                           ", not the CLIP tokenizer CLIPModel needs");

        // Tokenise and truncate (the text's tokens are cut, never <|startoftext|> / <|endoftext|>).
        // The library truncates at tokenizer_config.json's model_max_length; the position table is the
        // hard limit whatever that file says.
        int64_t maxLen = model.config().text.maxPositionEmbeddings;
        if (tok->modelMaxLength > 0) maxLen = std::min(maxLen, tok->modelMaxLength);
        std::vector<std::vector<int64_t>> ids;
        compute::text::EncodeOptions eo;
        eo.maxLength = maxLen;
        for (const QString& t : texts) {
            const std::string s = t.toStdString();
            const int64_t full = int64_t(tok->encode(s).ids.size());
            ids.push_back(tok->encodeWith(s, eo).ids);
            if (full > maxLen)
                err << "loupe match: warning: \"" << t << "\" has " << full
                    << " tokens; truncated to the model's " << maxLen
                    << " (max_position_embeddings, model_max_length)\n";
        }
        const int64_t padId = tok->padId >= 0 ? tok->padId : model.config().text.padTokenId;
        const compute::ClipTextBatch batch = compute::ClipTextBatch::pad(ids, padId);

        const compute::Tensor px = core::loadPixelValues(image, proc);
        const compute::ClipImageOutput img = model.encodeImage(px);
        const compute::ClipTextOutput txt = model.encodeText(batch);
        const compute::ClipScores scores = compute::clipScores(model.logitScale(), img.embeds, txt.embeds);
        const std::vector<float> logits = scores.logitsPerImage.toF32Vector(),
                                 probs = scores.probs.toF32Vector();
        compute::requireFiniteOutputs(logits.data(), logits.size(), image.toStdString());

        std::vector<Heatmap> maps;
        if (p.isSet(QStringLiteral("heatmap"))) {
            const QString dir = p.value(QStringLiteral("heatmap"));
            if (!QDir().mkpath(dir))
                throw compute::Error(dir.toStdString(), "cannot create the heatmap folder");
            maps = writeHeatmaps(model, px, txt.embeds, image, proc, dir);
        }
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
