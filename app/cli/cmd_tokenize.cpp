// SPDX-License-Identifier: MIT
// loupe tokenize --model DIR "text" [--json] [--no-special-tokens] [--max-length N]
// Tokenises a text with the checkpoint's own tokenizer (GPT-2 BPE, CLIP BPE or BERT WordPiece, the kind
// read from its files) exactly as transformers' tokenizer(text)["input_ids"] does. DIR may hold only the
// tokenizer files. --json prints {"ids": [...], "tokens": [...]}.
#include "app/cli/command.h"
#include "app/cli/help_text.h"
#include "compute/error.h"
#include "compute/text/tokenizer.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace loupe::cli {

namespace {

int tokenize(const QStringList& args)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        QStringLiteral("Tokenise a text with a checkpoint's tokenizer (GPT-2, CLIP or "
                       "BERT), as transformers' tokenizer(text)[\"input_ids\"]."));
    p.addHelpOption();
    p.addOption(
        {QStringLiteral("model"), QStringLiteral("Checkpoint or tokenizer folder."), QStringLiteral("DIR")});
    p.addOption({QStringLiteral("json"), QStringLiteral("Print {\"ids\": [...], \"tokens\": [...]}.")});
    p.addOption(
        {QStringLiteral("no-special-tokens"),
         QStringLiteral("Leave out the special tokens the tokenizer adds ([CLS] ... [SEP], <|startoftext|> "
                        "... <|endoftext|>).")});
    p.addOption({QStringLiteral("max-length"),
                 QStringLiteral("Truncate to N ids, special tokens included (the text's tokens are cut)."),
                 QStringLiteral("N")});
    p.addPositionalArgument(QStringLiteral("TEXT"), QStringLiteral("The text (UTF-8)."));
    QTextStream out(stdout), err(stderr);
    if (!p.parse(QStringList{QStringLiteral("loupe tokenize")} + args)) {
        err << "loupe tokenize: " << p.errorText() << "\n";
        return ExitUsage;
    }
    if (p.isSet(QStringLiteral("help"))) {
        out << commandHelpText(p, QStringLiteral("tokenize"));
        return ExitOk;
    }
    if (!p.isSet(QStringLiteral("model")) || p.positionalArguments().size() != 1) {
        err << "usage: loupe tokenize --model DIR \"text\" [--json] [--no-special-tokens] [--max-length N]\n";
        return ExitUsage;
    }
    compute::text::EncodeOptions options;
    options.addSpecialTokens = !p.isSet(QStringLiteral("no-special-tokens"));
    if (p.isSet(QStringLiteral("max-length"))) {
        bool ok = false;
        options.maxLength = p.value(QStringLiteral("max-length")).toLongLong(&ok);
        if (!ok || options.maxLength < 0) {
            err << "loupe tokenize: --max-length needs a number >= 0, not '"
                << p.value(QStringLiteral("max-length")) << "'\n";
            return ExitUsage;
        }
    }
    try {
        const auto tokenizer = compute::text::loadTokenizer(p.value(QStringLiteral("model")).toStdString());
        const compute::text::Encoding e =
            tokenizer->encodeWith(p.positionalArguments().front().toStdString(), options);
        if (p.isSet(QStringLiteral("json"))) {
            QJsonArray ids, tokens;
            for (int64_t id : e.ids)
                ids.append(qint64(id));
            for (const std::string& t : e.tokens)
                tokens.append(QString::fromStdString(t));
            out << QJsonDocument(
                       QJsonObject{{QStringLiteral("ids"), ids}, {QStringLiteral("tokens"), tokens}})
                       .toJson(QJsonDocument::Compact)
                << "\n";
            return ExitOk;
        }
        out << e.ids.size() << (e.ids.size() == 1 ? " token" : " tokens") << " ("
            << QString::fromStdString(tokenizer->kind()) << ")\n";
        for (size_t i = 0; i < e.ids.size(); ++i)
            out << qSetFieldWidth(8) << e.ids[i] << qSetFieldWidth(0) << "  "
                << QString::fromStdString(e.tokens[i]) << "\n";
        return ExitOk;
    } catch (const compute::Error& e) {
        err << "loupe tokenize: " << e.what() << "\n";
        return ExitFailure;
    }
}

const CommandRegistrar registrar{
    {QStringLiteral("tokenize"),
     QStringLiteral("Show the token ids and tokens of a text under a model's tokenizer"), tokenize}};

} // namespace

} // namespace loupe::cli
