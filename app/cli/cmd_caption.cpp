// SPDX-License-Identifier: MIT
// loupe caption --model DIR [--prompt TEXT] [decoding options] [--json] [-o OUT] [--trace DIR]
//               [--trace-top K] [--threads N] IMAGE...
// Image captioning with a ViT-GPT2 (VisionEncoderDecoderModel) or BLIP (BlipForConditionalGeneration)
// checkpoint, told apart by config.json's architectures: each image is encoded once and its caption decoded
// greedily, with beams or by sampling, each setting defaulting to the checkpoint's generation_config.json.
// --trace writes, per generated token, where the decoder's cross-attention looked and its gradient-weighted
// relevancy over the image (one decoder and one encoder pass forward and backward per token).
#include "app/cli/caption_trace.h"
#include "app/cli/command.h"
#include "app/cli/decoding_args.h"
#include "app/cli/engine_args.h"
#include "app/cli/help_text.h"
#include "app/cli/text_streamer.h"
#include "app/cli/threads.h"
#include "app/cli/trace_args.h"
#include "compute/error.h"
#include "core/inference/captioner.h"
#include "core/inference/execution.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QSaveFile>
#include <QSet>
#include <QTextStream>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <unistd.h>

namespace loupe::cli {

namespace {

// One line of output: the caption, or its JSON object.
std::string captionLine(const QString& image, const core::Caption& c, bool json, bool beams,
                        const compute::ExecutionRecord& execution)
{
    if (!json) {
        std::string t = c.text;
        for (char& ch : t)
            if (ch == '\n' || ch == '\r') ch = ' ';
        return t;
    }
    nlohmann::json j{{"image", image.toStdString()}, {"text", c.text}, {"token_ids", c.sequence.tokens}};
    if (beams) j["score"] = c.sequence.score;
    addExecutionJson(j, execution);
    return j.dump();
}

int captionCommand(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Caption images with a ViT-GPT2 checkpoint (VisionEncoderDecoderModel: ViT encoder, GPT-2 decoder "
        "with cross-attention) or a BLIP one (BlipForConditionalGeneration), told apart by config.json's "
        "architectures: greedy search, beam search or sampling as transformers' generate() does, each "
        "setting defaulting to the checkpoint's generation_config.json."));
    p.addHelpOption();
    p.addOption({QStringLiteral("model"),
                 QStringLiteral("Hugging Face VisionEncoderDecoderModel folder (config.json, weights, "
                                "preprocessor_config.json, vocab.json + merges.txt) or "
                                "BlipForConditionalGeneration folder (the same with vocab.txt)."),
                 QStringLiteral("DIR")});
    p.addOption({QStringLiteral("prompt"),
                 QStringLiteral("Start every caption with this text (BLIP: as its processor tokenises it, "
                                "[CLS] becoming [DEC])."),
                 QStringLiteral("TEXT")});
    addDecodingOptions(p);
    p.addOption({QStringLiteral("json"),
                 QStringLiteral("Print one JSON object per image: image, text, token_ids (start token and "
                                "prompt included), and score with beams.")});
    p.addOption(
        {{QStringLiteral("o"), QStringLiteral("output")},
         QStringLiteral("Also write the captions to OUT, one line (or JSON object with --json) per image."),
         QStringLiteral("OUT")});
    p.addOption(
        {QStringLiteral("trace"),
         QStringLiteral("Write per generated token its cross-attention over the image patches (heads "
                        "averaged: last layer, and all layers averaged) and its gradient-weighted relevancy "
                        "(Chefer et al.; .rel) as .npy and PNG overlays, with DIR/trace.json listing tokens, "
                        "probabilities and alternatives."),
         QStringLiteral("DIR")});
    addTraceTopOption(p);
    addEngineOptions(p);
    p.addOption({QStringLiteral("threads"), QStringLiteral("CPU threads (default: all cores)."),
                 QStringLiteral("N")});
    p.addPositionalArgument(QStringLiteral("IMAGE"), QStringLiteral("Images to caption."),
                            QStringLiteral("IMAGE..."));
    QTextStream out(stdout), err(stderr);
    if (!p.parse(QStringList{QStringLiteral("loupe caption")} + args)) {
        err << "loupe caption: " << p.errorText() << "\n";
        return ExitUsage;
    }
    if (p.isSet(QStringLiteral("help"))) {
        out << commandHelpText(p, QStringLiteral("caption"));
        return ExitOk;
    }
    const QStringList images = p.positionalArguments();
    if (!p.isSet(QStringLiteral("model")) || images.isEmpty()) {
        err << "usage: loupe caption --model DIR [--prompt TEXT] [options] IMAGE... (see --help)\n";
        return ExitUsage;
    }
    if (!applyThreads(p.value(QStringLiteral("threads")))) return ExitUsage;
    const std::optional<compute::EngineOptions> engine = parseEngineOptions(p, QStringLiteral("caption"));
    if (!engine) return ExitUsage;
    const bool json = p.isSet(QStringLiteral("json"));
    const QString traceDir = p.value(QStringLiteral("trace"));
    try {
        const int64_t top = traceTop(p, traceDir);
        const QString folder = p.value(QStringLiteral("model"));
        const std::unique_ptr<core::Captioner> model =
            core::openCaptioner(folder, decodingSettings(p, folder.toStdString()), *engine);
        core::Captioner& captioner = *model;
        captioner.setPrompt(p.value(QStringLiteral("prompt")).toStdString());
        const bool beams = captioner.settings().numBeams > 1;
        const bool stream = !json && isatty(STDOUT_FILENO) && !beams;
        if (!traceDir.isEmpty()) makeTraceFolder(traceDir);

        std::unique_ptr<QSaveFile> file;
        if (p.isSet(QStringLiteral("output"))) {
            file = std::make_unique<QSaveFile>(p.value(QStringLiteral("output")));
            if (!file->open(QIODevice::WriteOnly))
                throw compute::Error(file->fileName().toStdString(),
                                     "cannot write: " + file->errorString().toStdString());
        }
        nlohmann::json trace{{"grid", captioner.grid()}, {"images", nlohmann::json::array()}};
        QSet<QString> stems;
        for (const QString& image : images) {
            if (stream) {
                if (images.size() > 1)
                    std::fputs((image + QStringLiteral(": ")).toLocal8Bit().constData(), stdout);
            }
            core::CaptionRequest request;
            request.traceTop = top;
            std::unique_ptr<TextStreamer> streamer;
            if (stream) {
                streamer = std::make_unique<TextStreamer>(captioner.tokenizer(), captioner.promptIds());
                request.onToken = [&](int64_t id) { streamer->add(id); };
            }
            const core::ExecutionScope scope(*engine);
            const core::Caption c = captioner.caption(image, request);
            if (stream) std::fputs("\n", stdout);
            const compute::ExecutionRecord execution = scope.finish();
            reportFallback(execution, QStringLiteral("caption"));
            const std::string line = captionLine(image, c, json, beams, execution);
            if (!stream) {
                if (!json && images.size() > 1) out << image << ": ";
                out << QString::fromStdString(line);
                if (!json && beams) out << "  (score " << QString::number(c.sequence.score, 'f', 4) << ")";
                out << "\n";
                out.flush();
            }
            if (file) file->write(QByteArray::fromStdString(line + "\n"));
            if (!traceDir.isEmpty()) {
                QString stem = QFileInfo(image).completeBaseName();
                for (int k = 2; stems.contains(stem); ++k)
                    stem = QFileInfo(image).completeBaseName() + QStringLiteral("-%1").arg(k);
                stems.insert(stem);
                trace["images"].push_back(
                    {{"image", image.toStdString()},
                     {"text", c.text},
                     {"token_ids", c.sequence.tokens},
                     {"tokens",
                      writeCaptionTrace(c.traces, captioner.tokenizer(), captioner.grid(), image, traceDir,
                                        stem, [&](int64_t step) { return captioner.relevancy(c, step); })}});
            }
        }
        if (file && !file->commit())
            throw compute::Error(file->fileName().toStdString(),
                                 "cannot write: " + file->errorString().toStdString());
        if (!traceDir.isEmpty()) {
            trace["relevancy"] =
                "Chefer et al. 2021 encoder-decoder rules: row of the token in R^{ti}, y = its "
                "logit with the caption's earlier tokens forced; CLS dropped; raw values";
            writeTraceJson(traceDir, std::move(trace));
        }
        return ExitOk;
    } catch (const std::invalid_argument& e) {
        err << "loupe caption: " << e.what() << "\n";
        return ExitUsage;
    } catch (const std::exception& e) {
        err << "loupe caption: " << e.what() << "\n";
        return ExitFailure;
    }
}

const CommandRegistrar
    registrar({QStringLiteral("caption"),
               QStringLiteral("Caption images with a ViT-GPT2 or BLIP checkpoint (greedy, beams, sampling)"),
               captionCommand});

} // namespace

} // namespace loupe::cli
