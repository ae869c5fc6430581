// SPDX-License-Identifier: MIT
#include "app/cli/decoding_args.h"

#include <QCommandLineParser>
#include <stdexcept>

namespace loupe::cli {

namespace {

using compute::generate::GenerationConfig;

struct Option
{
    const char* name;
    const char* help;
    const char* value; // nullptr: a flag
};

const Option kDecoding[] = {
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
};

const Option kReturnSequences[] = {
    {"num-return-sequences", "Sequences to return (at most the beams; any number when sampling).", "N"},
    {"early-stopping", "Beam search stops as soon as N finished hypotheses exist.", nullptr},
};

void add(QCommandLineParser& p, const Option& o)
{
    p.addOption(o.value
                    ? QCommandLineOption(QLatin1String(o.name), QLatin1String(o.help), QLatin1String(o.value))
                    : QCommandLineOption(QLatin1String(o.name), QLatin1String(o.help)));
}

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

} // namespace

void addDecodingOptions(QCommandLineParser& p, bool withReturnSequences)
{
    for (const Option& o : kDecoding)
        add(p, o);
    if (withReturnSequences)
        for (const Option& o : kReturnSequences)
            add(p, o);
}

GenerationConfig decodingSettings(const QCommandLineParser& p, const std::string& folder,
                                  bool withReturnSequences)
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
    if (withReturnSequences) {
        if (set("num-return-sequences")) c.numReturnSequences = intValue(p, "num-return-sequences", 1);
        if (set("early-stopping")) c.earlyStopping = GenerationConfig::EarlyStopping::True;
    }
    return c;
}

} // namespace loupe::cli
