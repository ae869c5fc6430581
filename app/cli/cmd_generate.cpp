// SPDX-License-Identifier: MIT
// loupe generate --model DIR "prompt" [decoding options] [--num-return-sequences N] [--early-stopping]
//                [--json] [--ids 1,2,3] [--top-alternatives K] [--threads N]
// Text continuation with a GPT-2 checkpoint (GPT2LMHeadModel): greedy, beam search or sampling, each
// setting defaulting to the checkpoint's generation_config.json as transformers' generate() does.
// Greedy and sampled text streams to a terminal as it is produced.
#include "app/cli/command.h"
#include "app/cli/decoding_args.h"
#include "app/cli/engine_args.h"
#include "app/cli/help_text.h"
#include "app/cli/text_streamer.h"
#include "app/cli/threads.h"
#include "compute/error.h"
#include "compute/generate/generate.h"
#include "compute/io/checkpoint.h"
#include "compute/models/gpt2.h"
#include "compute/models/gpt2_language_model.h"
#include "compute/text/tokenizer.h"
#include "core/inference/execution.h"

#include <QCommandLineParser>
#include <QTextStream>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <unistd.h>

namespace loupe::cli {

namespace {

using compute::generate::GenerationConfig;

struct Option
{
    const char* name;
    const char* help;
    const char* value; // nullptr: a flag
};

// The decoding options (app/cli/decoding_args.h) come on top of these.
const Option kOptions[] = {
    {"model", "Hugging Face GPT-2 checkpoint folder (config.json, weights, vocab.json + merges.txt).", "DIR"},
    {"json", "Print {\"sequences\": [{\"text\", \"token_ids\", \"score\"}]}.", nullptr},
    {"ids", "Start from these token ids (comma-separated) instead of tokenizing a prompt.", "LIST"},
    {"top-alternatives", "JSON: add each step's K most probable tokens with their probabilities.", "K"},
    {"threads", "CPU threads (default: all cores).", "N"},
};

[[noreturn]] void usage(const QString& why)
{
    throw std::invalid_argument(why.toStdString());
}

std::vector<int64_t> parseIds(const QString& list)
{
    std::vector<int64_t> ids;
    for (const QString& s : list.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const int64_t v = s.trimmed().toLongLong(&ok);
        if (!ok || v < 0) usage(QStringLiteral("--ids: '%1' is not a token id").arg(s));
        ids.push_back(v);
    }
    if (ids.empty()) usage(QStringLiteral("--ids needs at least one id"));
    return ids;
}

int generateCommand(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Continue a prompt with a GPT-2 checkpoint (GPT2LMHeadModel): greedy search, beam search or sampling "
        "as transformers' generate() does, each setting defaulting to the checkpoint's "
        "generation_config.json."));
    p.addHelpOption();
    for (const Option& o : kOptions)
        p.addOption(
            o.value ? QCommandLineOption(QLatin1String(o.name), QLatin1String(o.help), QLatin1String(o.value))
                    : QCommandLineOption(QLatin1String(o.name), QLatin1String(o.help)));
    addDecodingOptions(p, true);
    addEngineOptions(p);
    p.addPositionalArgument(QStringLiteral("PROMPT"), QStringLiteral("The text to continue."));
    QTextStream out(stdout), err(stderr);
    if (!p.parse(QStringList{QStringLiteral("loupe generate")} + args)) {
        err << "loupe generate: " << p.errorText() << "\n";
        return ExitUsage;
    }
    if (p.isSet(QStringLiteral("help"))) {
        out << commandHelpText(p, QStringLiteral("generate"));
        return ExitOk;
    }
    const QStringList pos = p.positionalArguments();
    const bool byIds = p.isSet(QStringLiteral("ids"));
    if (!p.isSet(QStringLiteral("model")) || pos.size() > 1 || (pos.isEmpty() && !byIds) ||
        (byIds && !pos.isEmpty())) {
        err << "usage: loupe generate --model DIR \"prompt\" [options] (or --ids 1,2,3 instead of the "
               "prompt; "
               "see --help)\n";
        return ExitUsage;
    }
    if (!applyThreads(p.value(QStringLiteral("threads")))) return ExitUsage;
    const std::optional<compute::EngineOptions> engine = parseEngineOptions(p, QStringLiteral("generate"));
    if (!engine) return ExitUsage;
    const bool json = p.isSet(QStringLiteral("json"));
    try {
        const std::string folder = p.value(QStringLiteral("model")).toStdString();
        GenerationConfig cfg = decodingSettings(p, folder, true);
        int64_t topAlternatives = 0;
        if (p.isSet(QStringLiteral("top-alternatives"))) {
            bool ok = false;
            topAlternatives = p.value(QStringLiteral("top-alternatives")).toLongLong(&ok);
            if (!ok || topAlternatives < 1)
                usage(QStringLiteral("--top-alternatives needs an integer of at least 1"));
        }
        const compute::Checkpoint ckpt = compute::Checkpoint::open(folder, *engine);
        compute::Gpt2Model model = compute::Gpt2Model::fromCheckpoint(ckpt);
        if (model.config().addCrossAttention)
            throw compute::Error(folder, "this GPT-2 is a decoder with cross-attention (it needs an image "
                                         "encoder's states); use loupe caption");
        const auto tok = compute::text::loadTokenizer(folder);
        std::vector<int64_t> prompt = byIds ? parseIds(p.value(QStringLiteral("ids")))
                                            : tok->encode(pos.front().toStdString(), false).ids;
        if (prompt.empty()) { // the library starts an empty prompt from BOS
            const int64_t bos = cfg.bosTokenId >= 0 ? cfg.bosTokenId : model.config().bosTokenId;
            prompt.push_back(bos);
        }
        for (int64_t id : prompt)
            if (id >= model.config().vocabSize)
                usage(QStringLiteral("token id %1 is outside the model's vocabulary of %2")
                          .arg(id)
                          .arg(model.config().vocabSize));
        if (cfg.eosTokenIds.empty()) cfg.eosTokenIds.push_back(model.config().eosTokenId);

        compute::Gpt2LanguageModel lm(model);
        compute::generate::GenerationCallbacks cb;
        cb.topAlternatives = topAlternatives;
        std::unique_ptr<TextStreamer> streamer;
        const bool streaming =
            !json && isatty(STDOUT_FILENO) && cfg.numBeams == 1 && cfg.numReturnSequences == 1;
        if (streaming) {
            streamer = std::make_unique<TextStreamer>(*tok, prompt);
            cb.onToken = [&](int64_t id) { streamer->add(id); };
        }
        const core::ExecutionScope scope(*engine);
        const compute::generate::GenerationResult r =
            compute::generate::generateSequences(lm, prompt, cfg, cb);
        const compute::ExecutionRecord execution = scope.finish();
        reportFallback(execution, QStringLiteral("generate"));

        if (json) {
            nlohmann::json j;
            j["sequences"] = nlohmann::json::array();
            for (const auto& s : r.sequences)
                j["sequences"].push_back(
                    {{"text", tok->decode(s.tokens, true)}, {"token_ids", s.tokens}, {"score", s.score}});
            if (topAlternatives > 0) {
                j["steps"] = nlohmann::json::array();
                for (const auto& s : r.steps) {
                    nlohmann::json alts = nlohmann::json::array();
                    for (const auto& [id, prob] : s.top)
                        alts.push_back({{"id", id}, {"token", tok->decode({id}, false)}, {"prob", prob}});
                    j["steps"].push_back(
                        {{"step", s.step}, {"row", s.row}, {"chosen", s.chosen}, {"top", alts}});
                }
            }
            addExecutionJson(j, execution);
            out << QString::fromStdString(j.dump(2)) << "\n";
            return ExitOk;
        }
        if (streaming) {
            std::fputs("\n", stdout);
            return ExitOk;
        }
        for (size_t i = 0; i < r.sequences.size(); ++i) {
            const auto& s = r.sequences[i];
            if (r.sequences.size() > 1 || cfg.numBeams > 1)
                out << "[" << i << "] score " << QString::number(s.score, 'f', 4) << ": ";
            out << QString::fromStdString(tok->decode(s.tokens, true)) << "\n";
        }
        return ExitOk;
    } catch (const std::invalid_argument& e) {
        err << "loupe generate: " << e.what() << "\n";
        return ExitUsage;
    } catch (const std::exception& e) {
        err << "loupe generate: " << e.what() << "\n";
        return ExitFailure;
    }
}

const CommandRegistrar registrar(
    {QStringLiteral("generate"),
     QStringLiteral("Continue a prompt with a GPT-2 checkpoint (greedy, beams, sampling)"), generateCommand});

} // namespace

} // namespace loupe::cli
