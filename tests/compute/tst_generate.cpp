// SPDX-License-Identifier: MIT
// The decoding loop on a toy model whose next-token probabilities depend only on the last token, so
// every beam, score and cut can be worked out by hand (the comments show the arithmetic).
#include "compute/error.h"
#include "compute/generate/beam_hypotheses.h"
#include "compute/generate/generate.h"
#include "compute/generate/logits_processors.h"

#include <QTest>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

using namespace loupe::compute;
using namespace loupe::compute::generate;

namespace {

// Vocabulary {0: EOS, 1, 2}. Logits are log-probabilities, so log_softmax returns them.
class ToyModel final : public LanguageModel
{
public:
    std::map<int64_t, std::vector<float>> probsAfter{{1, {0.5f, 0.3f, 0.2f}}, {2, {0.9f, 0.05f, 0.05f}}};
    std::vector<int64_t> last;
    int steps = 0;
    std::vector<std::vector<int64_t>> parentsSeen;

    int64_t vocabSize() const override { return 3; }
    std::vector<std::vector<float>> start(const std::vector<int64_t>& prompt, int64_t rows, int64_t) override
    {
        last.assign(size_t(rows), prompt.back());
        return logits();
    }
    std::vector<std::vector<float>> next(const std::vector<int64_t>& parents,
                                         const std::vector<int64_t>& tokens) override
    {
        ++steps;
        parentsSeen.push_back(parents);
        last = tokens;
        return logits();
    }
    std::vector<std::vector<float>> logits() const
    {
        std::vector<std::vector<float>> out;
        for (int64_t t : last) {
            std::vector<float> l;
            for (float p : probsAfter.at(t))
                l.push_back(std::log(p));
            out.push_back(l);
        }
        return out;
    }
};

GenerationConfig beamConfig(double lengthPenalty)
{
    GenerationConfig c;
    c.numBeams = 2;
    c.numReturnSequences = 2;
    c.maxNewTokens = 3;
    c.lengthPenalty = lengthPenalty;
    c.eosTokenIds = {0};
    return c;
}

double lg(double p)
{
    return std::log(float(p));
}

} // namespace

class TestGenerate : public QObject
{
    Q_OBJECT

private slots:
    // length_penalty 1. Step 1 (only beam 0 live): EOS (log .5) is rank 0 -> hypothesis [1] scored
    // log .5 / 1; beams [1,1] (log .3) and [1,2] (log .2). Step 2: [1,2]+EOS = log .2 + log .9 is rank 0
    // -> hypothesis [1,2] scored that / 2; [1,1]+EOS (rank 1) scores (log .3 + log .5) / 2, worse than
    // the worst kept, and the list is full. The best running sum (the rank-0 candidate) / 2 equals the
    // worst kept score, so the input is done. Lengths differ: EOS then pad (= EOS) fill to 3.
    void beamBookkeeping()
    {
        ToyModel m;
        const GenerationResult r = generateSequences(m, {1}, beamConfig(1.0));
        QCOMPARE(r.sequences.size(), size_t(2));
        QCOMPARE(r.sequences[0].tokens, (std::vector<int64_t>{1, 0, 0}));
        QCOMPARE(r.sequences[1].tokens, (std::vector<int64_t>{1, 2, 0}));
        QVERIFY(std::fabs(r.sequences[0].score - lg(0.5)) < 1e-5);
        QVERIFY(std::fabs(r.sequences[1].score - (lg(0.2) + lg(0.9)) / 2) < 1e-5);
        QCOMPARE(m.steps, 1); // one step after the prompt's, then done
        QCOMPARE(m.parentsSeen.front(), (std::vector<int64_t>{0, 0})); // both beams grew from beam 0
    }

    // length_penalty 2 favours longer hypotheses. Step 2 keeps [1,2] ((log .2 + log .9) / 4) and
    // [1,1] ((log .3 + log .5) / 4), dropping [1] (log .5 / 1). Step 3 (generated_len 3): [1,1,2]
    // ((log .3 + log .2 + log .9) / 9) and [1,1,1] ((2 log .3 + log .5) / 9) replace them; the running
    // beams at max length score worse. Equal lengths: each gets EOS appended.
    void lengthPenalty()
    {
        ToyModel m;
        const GenerationResult r = generateSequences(m, {1}, beamConfig(2.0));
        QCOMPARE(r.sequences[0].tokens, (std::vector<int64_t>{1, 1, 2, 0}));
        QCOMPARE(r.sequences[1].tokens, (std::vector<int64_t>{1, 1, 1, 0}));
        QVERIFY(std::fabs(r.sequences[0].score - (lg(0.3) + lg(0.2) + lg(0.9)) / 9) < 1e-5);
        QVERIFY(std::fabs(r.sequences[1].score - (lg(0.3) + lg(0.3) + lg(0.5)) / 9) < 1e-5);
    }

    // early_stopping=True: done as soon as two hypotheses are finished, even though a running beam could
    // still beat them; "never" with length_penalty 1 uses max_length in the bound and runs to the end.
    void earlyStopping()
    {
        BeamHypotheses h(2, 1.0, GenerationConfig::EarlyStopping::True, 10);
        h.add({1}, -5.0, 1);
        QVERIFY(!h.isDone(-0.1, 3, 1));
        h.add({1, 2}, -6.0, 2);
        QVERIFY(h.isDone(-0.1, 3, 1));
        BeamHypotheses f(2, 1.0, GenerationConfig::EarlyStopping::False, 10);
        f.add({1}, -5.0, 1);
        f.add({1, 2}, -6.0, 2);         // scores -5 and -3: worst -5
        QVERIFY(!f.isDone(-9.0, 3, 1)); // -9 / 2 = -4.5 > -5: a running beam can still enter
        QVERIFY(f.isDone(-10.0, 3, 1)); // -10 / 2 = -5 <= -5
        BeamHypotheses n(2, 1.0, GenerationConfig::EarlyStopping::Never, 11);
        n.add({1}, -5.0, 1);
        n.add({1, 2}, -6.0, 2);
        QVERIFY(!n.isDone(-10.0, 3, 1)); // -10 / (11 - 1) = -1 > -5
        // The list keeps the best two; the worst moves up as better ones arrive.
        f.add({1, 2, 3}, -3.0, 3); // -1 replaces -5
        QCOMPARE(f.worstScore(), -3.0);
        QCOMPARE(f.best(2).front().tokens, (std::vector<int64_t>{1, 2, 3}));
    }

    void topPKeepsSmallestSetReachingP()
    {
        const std::vector<float> logits = {std::log(0.5f), std::log(0.3f), std::log(0.15f), std::log(0.05f)};
        auto kept = [&](double p) {
            std::vector<float> s = logits;
            applyTopP(s, p);
            std::vector<int64_t> ids;
            for (size_t i = 0; i < s.size(); ++i)
                if (std::isfinite(s[i])) ids.push_back(int64_t(i));
            return ids;
        };
        QCOMPARE(kept(0.75), (std::vector<int64_t>{0, 1}));   // .5 + .3 >= .75
        QCOMPARE(kept(0.9), (std::vector<int64_t>{0, 1, 2})); // .05 alone is <= .1
        QCOMPARE(kept(0.1), (std::vector<int64_t>{0}));       // always at least one
        QCOMPARE(kept(1.0), (std::vector<int64_t>{0, 1, 2, 3}));
        std::vector<float> s = logits;
        applyTopK(s, 2);
        QVERIFY(std::isfinite(s[0]) && std::isfinite(s[1]) && std::isinf(s[2]) && std::isinf(s[3]));
    }

    void repetitionPenalty()
    {
        std::vector<float> s = {2.f, -2.f, 1.f, 0.5f};
        applyRepetitionPenalty(s, {0, 1, 1}, 2.0); // each id once: positive / 2, negative * 2
        QCOMPARE(s, (std::vector<float>{1.f, -4.f, 1.f, 0.5f}));
    }

    // Greedy after token 1 picks EOS (p .5); min_new_tokens 2 forces two other tokens first: 1 (p .3 of
    // what is left) twice, then EOS ends it.
    void greedyWithMinNewTokens()
    {
        ToyModel m;
        GenerationConfig c;
        c.maxNewTokens = 5;
        c.eosTokenIds = {0};
        QCOMPARE(generateSequences(m, {1}, c).sequences[0].tokens, (std::vector<int64_t>{1, 0}));
        c.minNewTokens = 2;
        std::vector<int64_t> streamed;
        GenerationCallbacks cb;
        cb.onToken = [&](int64_t t) { streamed.push_back(t); };
        cb.topAlternatives = 2;
        const GenerationResult r = generateSequences(m, {1}, c, cb);
        QCOMPARE(r.sequences[0].tokens, (std::vector<int64_t>{1, 1, 1, 0}));
        QCOMPARE(streamed, (std::vector<int64_t>{1, 1, 0}));
        // Step 0 with EOS removed: .3 / .5 and .2 / .5.
        QCOMPARE(r.steps.size(), size_t(3));
        QCOMPARE(r.steps[0].top[0].first, int64_t(1));
        QVERIFY(std::fabs(r.steps[0].top[0].second - 0.6f) < 1e-6f);
        QVERIFY(std::fabs(r.steps[0].top[1].second - 0.4f) < 1e-6f);
        QVERIFY(std::fabs(r.sequences[0].score - (std::log(0.6) * 2 + std::log(0.5))) < 1e-5);
    }

    void samplingIsSeededAndTopKOneIsGreedy()
    {
        GenerationConfig c;
        c.maxNewTokens = 8;
        c.eosTokenIds = {0};
        c.doSample = true;
        c.topK = 0;
        c.minNewTokens = 8; // never EOS, so sequences have full length
        c.seed = 7;
        ToyModel a, b;
        const auto ra = generateSequences(a, {1}, c), rb = generateSequences(b, {1}, c);
        QCOMPARE(ra.sequences[0].tokens, rb.sequences[0].tokens);
        QCOMPARE(ra.sequences[0].tokens.size(), size_t(9));
        c.topK = 1;
        ToyModel g;
        QCOMPARE(generateSequences(g, {1}, c).sequences[0].tokens, std::vector<int64_t>(9, 1));
    }

    void cancellationBetweenSteps()
    {
        ToyModel m;
        GenerationConfig c;
        c.maxNewTokens = 5;
        c.eosTokenIds = {0};
        c.minNewTokens = 5;
        GenerationCallbacks cb;
        cb.cancelled = [] { return true; };
        const GenerationResult r = generateSequences(m, {1}, c, cb);
        QVERIFY(r.cancelled);
        QCOMPARE(r.sequences[0].tokens.size(), size_t(2)); // the first token, then no further step
        QCOMPARE(m.steps, 0);
    }

    void configFromJson()
    {
        GenerationConfig c;
        c.merge(nlohmann::json::parse(R"({"eos_token_id": [5, 7], "early_stopping": "never", "num_beams": 4,
                                          "max_new_tokens": 9, "pad_token_id": null})"),
                "gen.json");
        QCOMPARE(c.eosTokenIds, (std::vector<int64_t>{5, 7}));
        QVERIFY(c.earlyStopping == GenerationConfig::EarlyStopping::Never);
        QCOMPARE(c.numBeams, int64_t(4));
        QCOMPARE(c.newTokenBudget(100), int64_t(9));
        QCOMPARE(c.padToken(), int64_t(5)); // no pad: the first EOS, as the library does
        GenerationConfig d;
        QCOMPARE(d.newTokenBudget(15), int64_t(5)); // max_length 20 counts the prompt
        try {
            d.merge(nlohmann::json::parse(R"({"eos_token_id": "x"})"), "gen.json");
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).startsWith("gen.json: field \"eos_token_id\""), e.what());
        }
    }

    void invalidSettingsAreRefused()
    {
        ToyModel m;
        GenerationConfig c;
        c.numReturnSequences = 2; // greedy has one
        QVERIFY_THROWS_EXCEPTION(Error, generateSequences(m, {1}, c));
        c = {};
        c.doSample = true;
        c.topP = 0;
        QVERIFY_THROWS_EXCEPTION(Error, generateSequences(m, {1}, c));
    }
};

QTEST_APPLESS_MAIN(TestGenerate)
#include "tst_generate.moc"
