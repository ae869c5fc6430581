// SPDX-License-Identifier: MIT
// loupe ask --model DIR IMAGE "question" [decoding options] [--json] [--trace DIR] [--trace-top K] [--threads
// N] Visual question answering with a BLIP checkpoint (BlipForQuestionAnswering): the image is encoded once,
// the question read by the text encoder cross-attending it, and the answer decoded from [DEC] over the
// question's states, each decoding setting defaulting to the checkpoint's generation_config.json.
// --trace writes, per answer token, where it looked in the image: the decoder attends the question, so
// its cross-attention is carried to the image through the question encoder's cross-attention; and its
// gradient-weighted relevancy over the image (the bi-modal rules carried image -> question -> answer, one
// pass forward and backward through each stage per token).
#include "app/cli/caption_trace.h"
#include "app/cli/command.h"
#include "app/cli/decoding_args.h"
#include "app/cli/engine_args.h"
#include "app/cli/help_text.h"
#include "app/cli/text_streamer.h"
#include "app/cli/threads.h"
#include "app/cli/trace_args.h"
#include "core/inference/asker.h"
#include "core/inference/execution.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QTextStream>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <unistd.h>

namespace loupe::cli {

namespace {

int askCommand(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Ask a question about an image with a BLIP checkpoint (BlipForQuestionAnswering): the image is "
        "encoded once, the question read by the text encoder cross-attending it, the answer decoded "
        "greedily, with beams or by sampling as transformers' generate() does, each setting defaulting to "
        "the checkpoint's generation_config.json."));
    p.addHelpOption();
    p.addOption({QStringLiteral("model"),
                 QStringLiteral("Hugging Face BlipForQuestionAnswering folder (config.json, weights, "
                                "preprocessor_config.json, vocab.txt)."),
                 QStringLiteral("DIR")});
    addDecodingOptions(p);
    p.addOption({QStringLiteral("json"),
                 QStringLiteral("Print one JSON object: image, text, token_ids ([DEC] included), and score "
                                "with beams.")});
    p.addOption({QStringLiteral("trace"),
                 QStringLiteral("Write per answer token its cross-attention carried to the image (heads "
                                "averaged; last layer .last and all layers .mean) and its gradient-weighted "
                                "relevancy over the image (.rel) as .npy and PNG overlays, with "
                                "DIR/trace.json listing tokens, probabilities and top alternatives."),
                 QStringLiteral("DIR")});
    addTraceTopOption(p);
    addEngineOptions(p);
    p.addOption({QStringLiteral("threads"), QStringLiteral("CPU threads (default: all cores)."),
                 QStringLiteral("N")});
    p.addPositionalArgument(QStringLiteral("IMAGE"), QStringLiteral("The image."));
    p.addPositionalArgument(QStringLiteral("QUESTION"), QStringLiteral("The question about it."));
    QTextStream out(stdout), err(stderr);
    if (!p.parse(QStringList{QStringLiteral("loupe ask")} + args)) {
        err << "loupe ask: " << p.errorText() << "\n";
        return ExitUsage;
    }
    if (p.isSet(QStringLiteral("help"))) {
        out << commandHelpText(p, QStringLiteral("ask"));
        return ExitOk;
    }
    const QStringList pos = p.positionalArguments();
    if (!p.isSet(QStringLiteral("model")) || pos.size() != 2) {
        err << "usage: loupe ask --model DIR IMAGE QUESTION [decoding options] [--json] (see --help)\n";
        return ExitUsage;
    }
    if (!applyThreads(p.value(QStringLiteral("threads")))) return ExitUsage;
    const std::optional<compute::EngineOptions> engine = parseEngineOptions(p, QStringLiteral("ask"));
    if (!engine) return ExitUsage;
    const QString image = pos[0], question = pos[1];
    const bool json = p.isSet(QStringLiteral("json"));
    const QString traceDir = p.value(QStringLiteral("trace"));
    try {
        const int64_t top = traceTop(p, traceDir);
        const std::string folder = p.value(QStringLiteral("model")).toStdString();
        const auto asker =
            core::Asker::open(QString::fromStdString(folder), decodingSettings(p, folder), *engine);
        asker->questionIds(question); // a bad question is reported before the image is read
        const bool beams = asker->settings().numBeams > 1;
        const bool stream = !json && !beams && isatty(STDOUT_FILENO);

        if (!traceDir.isEmpty()) makeTraceFolder(traceDir);

        core::CaptionRequest request;
        request.traceTop = top;
        std::unique_ptr<TextStreamer> streamer;
        if (stream) {
            streamer = std::make_unique<TextStreamer>(asker->tokenizer(), asker->promptIds());
            request.onToken = [&](int64_t id) { streamer->add(id); };
        }
        const core::ExecutionScope scope(*engine);
        const core::Answer answer = asker->answer(image, question, request);
        const compute::ExecutionRecord execution = scope.finish();
        reportFallback(execution, QStringLiteral("ask"));
        const compute::generate::GeneratedSequence& best = answer.sequence;
        const std::string& text = answer.text;
        if (stream) {
            std::fputs("\n", stdout);
        } else if (json) {
            nlohmann::json j{{"image", image.toStdString()}, {"text", text}, {"token_ids", best.tokens}};
            if (beams) j["score"] = best.score;
            addExecutionJson(j, execution);
            out << QString::fromStdString(j.dump()) << "\n";
        } else {
            out << QString::fromStdString(text);
            if (beams) out << "  (score " << QString::number(best.score, 'f', 4) << ")";
            out << "\n";
        }
        if (!traceDir.isEmpty()) {
            const nlohmann::json entry{
                {"image", image.toStdString()},
                {"question", question.toStdString()},
                {"text", text},
                {"token_ids", best.tokens},
                {"tokens", writeCaptionTrace(answer.imageTraces, asker->tokenizer(), asker->grid(), image,
                                             traceDir, QFileInfo(image).completeBaseName(),
                                             [&](int64_t step) { return asker->relevancy(answer, step); })}};
            nlohmann::json trace{{"grid", asker->grid()}, {"images", nlohmann::json::array({entry})}};
            trace["cross_attention"] =
                "the answer decoder's cross-attention over the question tokens times each question token's "
                "cross-attention over the image in the question encoder (its layers and heads averaged); CLS "
                "dropped";
            trace["relevancy"] =
                "Chefer et al. 2021 bi-modal rules carried image -> question -> answer: row of the token in "
                "R^{ai} = R^{aq} R^{qi}, y = its logit with the answer's earlier tokens forced; CLS dropped; "
                "raw values";
            writeTraceJson(traceDir, std::move(trace));
        }
        return ExitOk;
    } catch (const std::invalid_argument& e) {
        err << "loupe ask: " << e.what() << "\n";
        return ExitUsage;
    } catch (const std::exception& e) {
        err << "loupe ask: " << e.what() << "\n";
        return ExitFailure;
    }
}

const CommandRegistrar registrar({QStringLiteral("ask"),
                                  QStringLiteral("Answer a question about an image with a BLIP model"),
                                  askCommand});

} // namespace

} // namespace loupe::cli
