// SPDX-License-Identifier: MIT
#include "views/text/generatedtext.h"

#include "compute/text/tokenizer.h"

namespace loupe::views {

namespace {
QString decoded(const compute::text::Tokenizer& tok, const std::vector<int64_t>& ids)
{
    return QString::fromStdString(tok.decode(ids, true));
}
} // namespace

GeneratedText describeGeneration(const compute::text::Tokenizer& tok, const std::vector<int64_t>& sequence,
                                 size_t promptLength, std::vector<compute::TokenTrace> traces, int grid)
{
    GeneratedText g;
    promptLength = std::min(promptLength, sequence.size());
    g.promptIds.assign(sequence.begin(), sequence.begin() + std::ptrdiff_t(promptLength));
    g.tokens.assign(sequence.begin() + std::ptrdiff_t(promptLength), sequence.end());
    g.text = decoded(tok, sequence);
    g.grid = grid;
    std::vector<int64_t> prefix = g.promptIds;
    QString before = decoded(tok, prefix);
    for (size_t i = 0; i < g.tokens.size(); ++i) {
        prefix.push_back(g.tokens[i]);
        const QString after = decoded(tok, prefix);
        TokenPiece p;
        p.id = g.tokens[i];
        // Decoding may clean up spaces before punctuation, so the longer text need not extend the
        // shorter one; the token's own text is the honest fallback then.
        p.text = after.startsWith(before) ? after.mid(before.size()) : decoded(tok, {g.tokens[i]});
        before = after;
        if (i < traces.size()) {
            p.probability = traces[i].probability;
            for (const auto& [id, prob] : traces[i].top)
                p.alternatives.push_back({id, decoded(tok, {id}), prob});
        }
        g.pieces.push_back(std::move(p));
    }
    g.traces = std::move(traces);
    return g;
}

QVector<TokenWord> groupWords(const std::vector<TokenPiece>& pieces)
{
    QVector<TokenWord> words;
    for (int i = 0; i < int(pieces.size()); ++i) {
        const QString& t = pieces[size_t(i)].text;
        if (t.trimmed().isEmpty()) continue; // special tokens and bare spaces belong to no word
        const bool starts = words.isEmpty() || t.front().isSpace() ||
                            words.back().first + words.back().count != i; // after a gap
        if (starts)
            words.push_back({i, 1, t.trimmed()});
        else {
            words.back().count += 1;
            words.back().text += t.trimmed();
        }
    }
    return words;
}

} // namespace loupe::views
