// SPDX-License-Identifier: MIT
// loupe generate --model DIR "prompt" [decoding options] [--num-return-sequences N] [--early-stopping]
//                [--json] [--ids 1,2,3] [--top-alternatives K] [--threads N]
// Text continuation with a GPT-2 checkpoint (GPT2LMHeadModel): greedy, beam search or sampling, each
// setting defaulting to the checkpoint's generation_config.json as transformers' generate() does.
// Greedy and sampled text streams to a terminal as it is produced.
#include "app/cli/command.h"
#include "app/cli/help_text.h"
#include "app/cli/threads.h"
#include "compute/error.h"
#include "compute/generate/generate.h"
#include "compute/io/checkpoint.h"
#include "compute/models/gpt2.h"
#include "compute/models/gpt2_language_model.h"
#include "compute/text/tokenizer.h"

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

const Option kOptions[] = {
    {"model", "Hugging Face GPT-2 checkpoint folder (config.json, weights, vocab.json + merges.txt).", "DIR"},
    {"beams", "Beam search with N beams (1: greedy or sampling).", "N"},
    {"max-new-tokens", "At most N new tokens.", "N"},
    {"min-new-tokens", "At least N new tokens before EOS may end a sequence.", "N"},
    {"length-penalty", "Beam search: scores are sum_logprobs / length ** X.", "X"},
    {"repetition-penalty", "Divide (multiply, when negative) the scores of tokens already present by X.",
     "X"},
    {"sample", "Sample instead of taking the most probable token.", nullptr},
    {"temperature", "Sampling temperature.", "T"},
    {"top-k", "Sampling: keep the K most probable tokens (0: all).", "K"},
    {"top-p", "Sampling: keep the smallest set of tokens whose probability reaches P.", "P"},
    {"seed", "Sampling seed (the engine's own generator: the library's torch draws differ).", "S"},
    {"num-return-sequences", "Sequences to return (at most the beams; any number when sampling).", "N"},
    {"early-stopping", "Beam search stops as soon as N finished hypotheses exist.", nullptr},
    {"json", "Print {\"sequences\": [{\"text\", \"token_ids\", \"score\"}]}.", nullptr},
    {"ids", "Start from these token ids (comma-separated) instead of tokenizing a prompt.", "LIST"},
    {"top-alternatives", "JSON: add each step's K most probable tokens with their probabilities.", "K"},
    {"threads", "CPU threads (default: all cores).", "N"},
};

[[noreturn]] void usage(const QString& why)
{
    throw std::invalid_argument(why.toStdString());
}

int64_t intValue(const QCommandLineParser& p, const char* name, int64_t min)
{
    bool ok = false;
    const int64_t v = p.value(QLatin1String(name)).toLongLong(&ok);
    if (!ok || v < min) usage(QStringLiteral("--%1 needs an integer of at least %2").arg(name).arg(min));
    return v;
}

double numberValue(const QCommandLineParser& p, const char* name)
{
    bool ok = false;
    const double v = p.value(QLatin1String(name)).toDouble(&ok);
    if (!ok) usage(QStringLiteral("--%1 needs a number").arg(name));
    return v;
}

// The checkpoint's defaults, then what the command line sets.
GenerationConfig settings(const QCommandLineParser& p, const std::string& folder)
{
    GenerationConfig c = GenerationConfig::fromModelFolder(folder);
    auto set = [&](const char* n) { return p.isSet(QLatin1String(n)); };
    if (set("beams")) c.numBeams = intValue(p, "beams", 1);
    if (set("max-new-tokens")) c.maxNewTokens = intValue(p, "max-new-tokens", 0);
    if (set("min-new-tokens")) c.minNewTokens = intValue(p, "min-new-tokens", 0);
    if (set("length-penalty")) c.lengthPenalty = numberValue(p, "length-penalty");
    if (set("repetition-penalty")) c.repetitionPenalty = numberValue(p, "repetition-penalty");
    if (set("sample")) c.doSample = true;
    if (set("temperature")) c.temperature = numberValue(p, "temperature");
    if (set("top-k")) c.topK = intValue(p, "top-k", 0);
    if (set("top-p")) c.topP = numberValue(p, "top-p");
    if (set("seed")) c.seed = uint64_t(intValue(p, "seed", 0));
    if (set("num-return-sequences")) c.numReturnSequences = intValue(p, "num-return-sequences", 1);
    if (set("early-stopping")) c.earlyStopping = GenerationConfig::EarlyStopping::True;
    return c;
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

// Prints the decoded continuation as it grows; holds back text ending in an incomplete UTF-8 character
// (decoded as U+FFFD) until the next token completes it.
class Streamer
{
public:
    Streamer(const compute::text::Tokenizer& tok, const std::vector<int64_t>& prompt)
        : tok_(tok), ids_(prompt)
    {
        printed_ = tok_.decode(ids_);
        std::fputs(printed_.c_str(), stdout);
        std::fflush(stdout);
    }
    void add(int64_t id)
    {
        ids_.push_back(id);
        const std::string text = tok_.decode(ids_);
        if (text.size() >= 3 && text.compare(text.size() - 3, 3, "\xEF\xBF\xBD") == 0) return;
        if (text.compare(0, printed_.size(), printed_) == 0) {
            std::fputs(text.c_str() + printed_.size(), stdout);
            std::fflush(stdout);
        }
        printed_ = text;
    }

private:
    const compute::text::Tokenizer& tok_;
    std::vector<int64_t> ids_;
    std::string printed_;
};

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
    const bool json = p.isSet(QStringLiteral("json"));
    try {
        const std::string folder = p.value(QStringLiteral("model")).toStdString();
        GenerationConfig cfg = settings(p, folder);
        const int64_t topAlternatives =
            p.isSet(QStringLiteral("top-alternatives")) ? intValue(p, "top-alternatives", 1) : 0;
        const compute::Checkpoint ckpt = compute::Checkpoint::open(folder);
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
        std::unique_ptr<Streamer> streamer;
        const bool streaming =
            !json && isatty(STDOUT_FILENO) && cfg.numBeams == 1 && cfg.numReturnSequences == 1;
        if (streaming) {
            streamer = std::make_unique<Streamer>(*tok, prompt);
            cb.onToken = [&](int64_t id) { streamer->add(id); };
        }
        const compute::generate::GenerationResult r =
            compute::generate::generateSequences(lm, prompt, cfg, cb);

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
