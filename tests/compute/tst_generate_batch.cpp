// SPDX-License-Identifier: MIT
// Several prompts in one batch (generateBatch, transformers' padding_side="left"): on a toy model whose
// next token depends on every unmasked token and its position, each row's greedy ids equal that prompt's
// run alone, rows stop at their own EOS, the padding and mask handed to the model are the library's, and
// models that cannot mask padding, beams and empty prompts are refused.
#include "compute/error.h"
#include "compute/generate/generate.h"

#include <QTest>

using namespace loupe::compute;
using namespace loupe::compute::generate;

namespace {

constexpr int64_t kVocab = 11;

// Row histories hold unmasked tokens only; the favourite next token hashes the whole history with
// positions, so a padding token seen, or a position shifted by padding, changes the ids.
class HistoryModel final : public LanguageModel
{
public:
    bool padding = true;
    std::vector<std::vector<int64_t>> rows;
    std::vector<std::vector<int64_t>> paddedSeen;
    std::vector<std::vector<uint8_t>> maskSeen;

    int64_t vocabSize() const override { return kVocab; }
    bool supportsPadding() const override { return padding; }
    std::vector<std::vector<float>> start(const std::vector<int64_t>& prompt, int64_t n, int64_t) override
    {
        rows.assign(size_t(n), prompt);
        return logits();
    }
    std::vector<std::vector<float>> startPadded(const std::vector<std::vector<int64_t>>& padded,
                                                const std::vector<std::vector<uint8_t>>& mask,
                                                int64_t) override
    {
        paddedSeen = padded;
        maskSeen = mask;
        rows.clear();
        for (size_t r = 0; r < padded.size(); ++r) {
            rows.emplace_back();
            for (size_t j = 0; j < padded[r].size(); ++j)
                if (mask[r][j]) rows.back().push_back(padded[r][j]);
        }
        return logits();
    }
    std::vector<std::vector<float>> next(const std::vector<int64_t>& parents,
                                         const std::vector<int64_t>& tokens) override
    {
        std::vector<std::vector<int64_t>> grown;
        for (size_t r = 0; r < parents.size(); ++r) {
            grown.push_back(rows[size_t(parents[r])]);
            grown.back().push_back(tokens[r]);
        }
        rows = std::move(grown);
        return logits();
    }
    std::vector<std::vector<float>> logits() const
    {
        std::vector<std::vector<float>> out;
        for (const auto& h : rows) {
            uint64_t hash = 7;
            for (size_t i = 0; i < h.size(); ++i)
                hash = hash * 31 + uint64_t(h[i]) * (i + 3);
            std::vector<float> l(size_t(kVocab), 0.f);
            l[size_t(hash % kVocab)] = 5.f;
            l[size_t((hash / kVocab) % kVocab)] += 2.f;
            out.push_back(l);
        }
        return out;
    }
};

GenerationConfig greedy(int64_t newTokens)
{
    GenerationConfig c;
    c.maxNewTokens = newTokens;
    c.eosTokenIds = {0};
    c.padTokenId = 10;
    return c;
}

} // namespace

class TestGenerateBatch : public QObject
{
    Q_OBJECT

private slots:
    void eachRowEqualsItsPromptAlone()
    {
        const std::vector<std::vector<int64_t>> prompts = {
            {1, 2, 3, 4, 5}, {4}, {5, 6}, {9, 9, 8}, {3, 1, 4, 1}};
        HistoryModel batched;
        const auto results = generateBatch(batched, prompts, greedy(8));
        QCOMPARE(results.size(), prompts.size());
        bool someStoppedEarly = false, someRanFull = false;
        for (size_t i = 0; i < prompts.size(); ++i) {
            HistoryModel alone;
            const GenerationResult want = generateSequences(alone, prompts[i], greedy(8));
            QCOMPARE(results[i].sequences.size(), size_t(1));
            QCOMPARE(results[i].sequences[0].tokens, want.sequences[0].tokens);
            QCOMPARE(results[i].promptLength, int64_t(prompts[i].size()));
            QVERIFY(std::abs(results[i].sequences[0].score - want.sequences[0].score) < 1e-9);
            const size_t n = want.sequences[0].tokens.size() - prompts[i].size();
            someStoppedEarly = someStoppedEarly || n < 8;
            someRanFull = someRanFull || n == 8;
        }
        QVERIFY(someStoppedEarly && someRanFull); // the case covers rows ending at their own EOS
    }

    void leftPaddingAndMaskAsTheLibraryBuildsThem()
    {
        HistoryModel m;
        generateBatch(m, {{1, 2, 3}, {7}}, greedy(2));
        QCOMPARE(m.paddedSeen, (std::vector<std::vector<int64_t>>{{1, 2, 3}, {10, 10, 7}}));
        QCOMPARE(m.maskSeen, (std::vector<std::vector<uint8_t>>{{1, 1, 1}, {0, 0, 1}}));
    }

    void stepAlternativesBelongToTheirPrompt()
    {
        HistoryModel m;
        GenerationCallbacks cb;
        cb.topAlternatives = 2;
        const auto r = generateBatch(m, {{1, 2}, {3}}, greedy(3), cb);
        for (const auto& result : r) {
            QVERIFY(!result.steps.empty());
            for (const StepAlternatives& s : result.steps)
                QCOMPARE(s.row, int64_t(0));
        }
    }

    void refusals()
    {
        HistoryModel noPadding;
        noPadding.padding = false;
        QVERIFY_THROWS_EXCEPTION(Error, generateBatch(noPadding, {{1, 2}, {3}}, greedy(2)));
        // One prompt needs no padding: it runs on any model.
        QCOMPARE(generateBatch(noPadding, {{1, 2}}, greedy(2)).size(), size_t(1));
        HistoryModel m;
        GenerationConfig beams = greedy(2);
        beams.numBeams = 2;
        QVERIFY_THROWS_EXCEPTION(Error, generateBatch(m, {{1}, {2}}, beams));
        QVERIFY_THROWS_EXCEPTION(Error, generateBatch(m, {{1}, {}}, greedy(2)));
        QVERIFY_THROWS_EXCEPTION(Error, generateBatch(m, {}, greedy(2)));
    }
};

QTEST_APPLESS_MAIN(TestGenerateBatch)
#include "tst_generate_batch.moc"
