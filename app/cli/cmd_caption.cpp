// SPDX-License-Identifier: MIT
// loupe caption --model DIR [--prompt TEXT] [decoding options] [--json] [-o OUT] [--trace DIR]
//               [--trace-top K] [--threads N] IMAGE...
// Image captioning with a ViT-GPT2 checkpoint (VisionEncoderDecoderModel): each image is encoded once and
// its caption decoded greedily, with beams or by sampling, each setting defaulting to the checkpoint's
// generation_config.json. --trace writes, per generated token, where the decoder's cross-attention looked.
#include "app/cli/caption_trace.h"
#include "app/cli/command.h"
#include "app/cli/decoding_args.h"
#include "app/cli/help_text.h"
#include "app/cli/text_streamer.h"
#include "app/cli/threads.h"
#include "compute/error.h"
#include "compute/generate/generate.h"
#include "compute/io/checkpoint.h"
#include "compute/models/finite_outputs.h"
#include "compute/models/vision_encoder_decoder.h"
#include "compute/models/vision_encoder_decoder_trace.h"
#include "compute/preprocess/image_processor.h"
#include "compute/preprocess/processor_fit.h"
#include "compute/text/tokenizer.h"
#include "core/inference/pixel_values.h"

#include <QCommandLineParser>
#include <QDir>
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

using compute::generate::GenerationConfig;

struct Caption
{
    compute::generate::GeneratedSequence sequence;
    std::string text;
    std::vector<compute::TokenTrace> traces;
};

// One line of output: the caption, or its JSON object.
std::string captionLine(const QString& image, const Caption& c, bool json, bool beams)
{
    if (!json) {
        std::string t = c.text;
        for (char& ch : t)
            if (ch == '\n' || ch == '\r') ch = ' ';
        return t;
    }
    nlohmann::json j{{"image", image.toStdString()}, {"text", c.text}, {"token_ids", c.sequence.tokens}};
    if (beams) j["score"] = c.sequence.score;
    return j.dump();
}

class Captioner
{
public:
    Captioner(const QString& folder, const GenerationConfig& settings)
        : folder_(folder.toStdString()), cfg_(settings),
          model_(compute::VisionEncoderDecoderModel::fromCheckpoint(compute::Checkpoint::open(folder_)))
    {
        tok_ = compute::text::loadTokenizer(folder_);
        if (tok_->kind() != "gpt2")
            throw compute::Error(folder_,
                                 "the tokenizer is " + tok_->kind() +
                                     ", not the GPT-2 tokenizer (vocab.json + merges.txt) the decoder needs");
        const std::string procPath =
            (QDir(folder).filePath(QStringLiteral("preprocessor_config.json"))).toStdString();
        if (!QFileInfo::exists(QString::fromStdString(procPath)))
            throw compute::Error(procPath, "missing: a captioning folder needs its image processor settings");
        proc_ = compute::ImageProcessorConfig::fromFile(procPath);
        compute::checkProcessorFitsModel(proc_, model_.encoder().config(), procPath, false);
        if (cfg_.eosTokenIds.empty()) cfg_.eosTokenIds.push_back(model_.decoder().config().eosTokenId);
        cfg_.validate();
    }

    void setPrompt(const std::string& text)
    {
        const std::vector<int64_t> ids =
            text.empty() ? std::vector<int64_t>{} : tok_->encode(text, false).ids;
        try {
            prompt_ = model_.decoderPrompt(ids);
        } catch (const compute::Error& e) {
            throw std::invalid_argument(e.what());
        }
        if (cfg_.newTokenBudget(int64_t(prompt_.size())) <= 0)
            throw std::invalid_argument("--prompt: the prompt has " + std::to_string(ids.size()) +
                                        " tokens, which leaves no new token within max_length " +
                                        std::to_string(cfg_.maxLength) + " (set --max-new-tokens)");
    }

    Caption caption(const QString& image, bool stream, int64_t traceTop)
    {
        const compute::Tensor px = core::loadPixelValues(image, proc_);
        const compute::Tensor states = model_.encode(px); // once per image, whatever the decoding
        compute::requireFiniteOutputs(states, image.toStdString());
        compute::Gpt2LanguageModel lm = model_.languageModel(states);
        std::unique_ptr<compute::CrossAttentionRecorder> recorder;
        if (traceTop > 0) recorder = std::make_unique<compute::CrossAttentionRecorder>(lm, traceTop);
        compute::generate::GenerationCallbacks cb;
        std::unique_ptr<TextStreamer> streamer;
        if (stream) {
            streamer = std::make_unique<TextStreamer>(*tok_, prompt_);
            cb.onToken = [&](int64_t id) { streamer->add(id); };
        }
        compute::generate::LanguageModel& decoder =
            recorder ? static_cast<compute::generate::LanguageModel&>(*recorder) : lm;
        const auto r = compute::generate::generateSequences(decoder, prompt_, cfg_, cb);
        if (stream) std::fputs("\n", stdout);
        Caption c;
        c.sequence = r.sequences.front();
        c.text = tok_->decode(c.sequence.tokens, true);
        if (recorder) c.traces = recorder->traces(c.sequence.tokens, r.promptLength);
        return c;
    }

    const compute::text::Tokenizer& tokenizer() const { return *tok_; }
    int grid() const { return int(model_.gridSize()); }
    const GenerationConfig& settings() const { return cfg_; }

private:
    std::string folder_;
    GenerationConfig cfg_;
    compute::VisionEncoderDecoderModel model_;
    std::unique_ptr<compute::text::Tokenizer> tok_;
    compute::ImageProcessorConfig proc_;
    std::vector<int64_t> prompt_;
};

int captionCommand(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Caption images with a ViT-GPT2 checkpoint (VisionEncoderDecoderModel: ViT encoder, GPT-2 decoder "
        "with "
        "cross-attention): greedy search, beam search or sampling as transformers' generate() does, each "
        "setting defaulting to the checkpoint's generation_config.json."));
    p.addHelpOption();
    p.addOption({QStringLiteral("model"),
                 QStringLiteral("Hugging Face VisionEncoderDecoderModel folder (config.json, weights, "
                                "preprocessor_config.json, vocab.json + merges.txt)."),
                 QStringLiteral("DIR")});
    p.addOption({QStringLiteral("prompt"), QStringLiteral("Start every caption with this text."),
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
                        "averaged: last layer, and all layers averaged) as .npy and PNG overlays, with "
                        "DIR/trace.json listing tokens, probabilities and alternatives."),
         QStringLiteral("DIR")});
    p.addOption({QStringLiteral("trace-top"),
                 QStringLiteral("Alternatives per token listed in trace.json (default 5)."),
                 QStringLiteral("K")});
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
    const bool json = p.isSet(QStringLiteral("json"));
    const QString traceDir = p.value(QStringLiteral("trace"));
    try {
        int64_t traceTop = 0;
        if (!traceDir.isEmpty()) {
            traceTop = 5;
            if (p.isSet(QStringLiteral("trace-top"))) {
                bool ok = false;
                traceTop = p.value(QStringLiteral("trace-top")).toLongLong(&ok);
                if (!ok || traceTop < 1)
                    throw std::invalid_argument("--trace-top needs an integer of at least 1");
            }
        }
        const QString folder = p.value(QStringLiteral("model"));
        Captioner captioner(folder, decodingSettings(p, folder.toStdString()));
        captioner.setPrompt(p.value(QStringLiteral("prompt")).toStdString());
        const bool beams = captioner.settings().numBeams > 1;
        const bool stream = !json && isatty(STDOUT_FILENO) && !beams;
        if (!traceDir.isEmpty() && !QDir().mkpath(traceDir))
            throw compute::Error(traceDir.toStdString(), "cannot create the trace folder");

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
            const Caption c = captioner.caption(image, stream, traceTop);
            const std::string line = captionLine(image, c, json, beams);
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
                     {"tokens", writeCaptionTrace(c.traces, captioner.tokenizer(), captioner.grid(), image,
                                                  traceDir, stem)}});
            }
        }
        if (file && !file->commit())
            throw compute::Error(file->fileName().toStdString(),
                                 "cannot write: " + file->errorString().toStdString());
        if (!traceDir.isEmpty()) {
            trace["distribution"] = "softmax of the decoder's logits, before decoding processors";
            QSaveFile f(QDir(traceDir).filePath(QStringLiteral("trace.json")));
            if (!f.open(QIODevice::WriteOnly) || f.write(QByteArray::fromStdString(trace.dump(2))) < 0 ||
                !f.commit())
                throw compute::Error(f.fileName().toStdString(), "cannot write the trace");
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

const CommandRegistrar registrar(
    {QStringLiteral("caption"),
     QStringLiteral("Caption images with a ViT-GPT2 checkpoint (greedy, beams, sampling)"), captionCommand});

} // namespace

} // namespace loupe::cli
