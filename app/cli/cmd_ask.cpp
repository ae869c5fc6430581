// SPDX-License-Identifier: MIT
// loupe ask --model DIR IMAGE "question" [decoding options] [--json] [--threads N]
// Visual question answering with a BLIP checkpoint (BlipForQuestionAnswering): the image is encoded once,
// the question read by the text encoder cross-attending it, and the answer decoded from [DEC] over the
// question's states, each decoding setting defaulting to the checkpoint's generation_config.json.
#include "app/cli/command.h"
#include "app/cli/decoding_args.h"
#include "app/cli/help_text.h"
#include "app/cli/text_streamer.h"
#include "app/cli/threads.h"
#include "compute/error.h"
#include "compute/generate/generate.h"
#include "compute/io/checkpoint.h"
#include "compute/models/blip.h"
#include "compute/models/finite_outputs.h"
#include "compute/preprocess/image_processor.h"
#include "compute/preprocess/processor_fit.h"
#include "compute/text/tokenizer.h"
#include "core/inference/pixel_values.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QTextStream>
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <unistd.h>

namespace loupe::cli {

namespace {

using compute::generate::GenerationConfig;

// Everything an answer needs from the checkpoint folder, checked before any image is read.
struct Answerer
{
    compute::BlipForQuestionAnswering model;
    std::unique_ptr<compute::text::Tokenizer> tok;
    compute::ImageProcessorConfig proc;
    GenerationConfig settings;

    Answerer(const std::string& folder, const GenerationConfig& base)
        : model(compute::BlipForQuestionAnswering::fromCheckpoint(compute::Checkpoint::open(folder)))
    {
        tok = compute::text::loadTokenizer(folder);
        if (tok->kind() != "bert")
            throw compute::Error(folder, "the tokenizer is " + tok->kind() +
                                             ", not the BERT WordPiece tokenizer (vocab.txt) BLIP needs");
        const std::string procPath = (std::filesystem::path(folder) / "preprocessor_config.json").string();
        if (!QFileInfo::exists(QString::fromStdString(procPath)))
            throw compute::Error(procPath, "missing: a BLIP folder needs its image processor settings");
        proc = compute::ImageProcessorConfig::fromFile(procPath);
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
        settings = compute::blipDecodingConfig(model.config().text, base);
        settings.validate();
        if (settings.newTokenBudget(int64_t(model.decoderPrompt().size())) <= 0)
            throw std::invalid_argument("max_length " + std::to_string(settings.maxLength) +
                                        " leaves no room for an answer after [DEC] (set --max-new-tokens)");
    }

    // [CLS] question [SEP], as the processor gives them (no truncation: the library refuses what the
    // position table cannot hold, and so does this).
    std::vector<int64_t> questionIds(const QString& question) const
    {
        const std::vector<int64_t> ids = tok->encode(question.toStdString()).ids;
        int64_t limit = model.config().text.maxPositionEmbeddings;
        if (tok->modelMaxLength > 0) limit = std::min(limit, tok->modelMaxLength);
        if (int64_t(ids.size()) > limit)
            throw std::invalid_argument("the question has " + std::to_string(ids.size()) +
                                        " tokens with [CLS] and [SEP]; the model reads at most " +
                                        std::to_string(limit) +
                                        " (text_config.max_position_embeddings, model_max_length)");
        if (ids.size() <= 2) throw std::invalid_argument("the question is empty");
        return ids;
    }
};

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
    const QString image = pos[0], question = pos[1];
    const bool json = p.isSet(QStringLiteral("json"));
    try {
        const std::string folder = p.value(QStringLiteral("model")).toStdString();
        const Answerer a(folder, decodingSettings(p, folder));
        const std::vector<int64_t> qids = a.questionIds(question);
        const bool beams = a.settings.numBeams > 1;
        const bool stream = !json && !beams && isatty(STDOUT_FILENO);

        const compute::Tensor px = core::loadPixelValues(image, a.proc);
        const compute::Tensor imageEmbeds = a.model.vision().forward(px).imageEmbeds;
        compute::requireFiniteOutputs(imageEmbeds, image.toStdString());
        const compute::Tensor questionEmbeds = a.model.encodeQuestion(qids, imageEmbeds).lastHiddenState;
        compute::BlipTextLanguageModel lm = a.model.languageModel(questionEmbeds);
        const std::vector<int64_t> prompt = a.model.decoderPrompt();
        compute::generate::GenerationCallbacks cb;
        std::unique_ptr<TextStreamer> streamer;
        if (stream) {
            streamer = std::make_unique<TextStreamer>(*a.tok, prompt);
            cb.onToken = [&](int64_t id) { streamer->add(id); };
        }
        const auto r = compute::generate::generateSequences(lm, prompt, a.settings, cb);
        const compute::generate::GeneratedSequence& best = r.sequences.front();
        const std::string text = a.tok->decode(best.tokens, true);
        if (stream) {
            std::fputs("\n", stdout);
        } else if (json) {
            nlohmann::json j{{"image", image.toStdString()}, {"text", text}, {"token_ids", best.tokens}};
            if (beams) j["score"] = best.score;
            out << QString::fromStdString(j.dump()) << "\n";
        } else {
            out << QString::fromStdString(text);
            if (beams) out << "  (score " << QString::number(best.score, 'f', 4) << ")";
            out << "\n";
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
