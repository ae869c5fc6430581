// SPDX-License-Identifier: MIT
#include "compute/generate/generate.h"

#include "compute/error.h"
#include "compute/generate/beam_hypotheses.h"
#include "compute/generate/logits_processors.h"
#include "compute/threadpool.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <random>

namespace loupe::compute::generate {

namespace {

// transformers' logits processors in the library's order: repetition penalty, then min length and min
// new tokens (EOS forced to -inf).
void process(std::vector<float>& scores, const std::vector<int64_t>& tokens, int64_t promptLength,
             const GenerationConfig& c)
{
    applyRepetitionPenalty(scores, tokens, c.repetitionPenalty);
    const int64_t len = int64_t(tokens.size());
    if (len < c.minLength || len - promptLength < c.minNewTokens) suppressTokens(scores, c.eosTokenIds);
}

bool isCancelled(const GenerationCallbacks& cb)
{
    return cb.cancelled && cb.cancelled();
}

void report(GenerationResult& out, const GenerationCallbacks& cb, int64_t step, int64_t row, int64_t chosen,
            const std::vector<float>& probs)
{
    if (cb.topAlternatives <= 0) return;
    StepAlternatives s{step, row, chosen, topProbabilities(probs, cb.topAlternatives)};
    if (cb.onStep) cb.onStep(s);
    out.steps.push_back(std::move(s));
}

// Draws an index from probabilities (summing to 1 up to rounding).
int64_t draw(const std::vector<float>& probs, std::mt19937_64& rng)
{
    double total = 0;
    for (float p : probs)
        total += p;
    std::uniform_real_distribution<double> u(0.0, total);
    const double r = u(rng);
    double acc = 0;
    int64_t last = 0;
    for (size_t i = 0; i < probs.size(); ++i) {
        if (probs[i] <= 0) continue;
        acc += probs[i];
        last = int64_t(i);
        if (r < acc) return last;
    }
    return last;
}

// Starts the model's rows for a budget of new tokens; returns the first logits.
using StartRows = std::function<std::vector<std::vector<float>>(int64_t budget)>;

// Greedy search or sampling over rows that each continue their own prompt (copies of one prompt, or the
// prompts of a batch); P, the longest prompt, sets the budget as the padded batch does in transformers.
GenerationResult decodeRows(const std::vector<std::vector<int64_t>>& prompts, LanguageModel& model,
                            const StartRows& startRows, const GenerationConfig& c,
                            const GenerationCallbacks& cb)
{
    int64_t P = 0;
    for (const auto& p : prompts)
        P = std::max<int64_t>(P, int64_t(p.size()));
    const int64_t budget = c.newTokenBudget(P), rows = int64_t(prompts.size());
    GenerationResult out;
    out.promptLength = P;
    for (const auto& p : prompts)
        out.sequences.push_back(GeneratedSequence{p, 0.0});
    if (budget == 0) return out;
    std::mt19937_64 rng(c.seed);
    std::vector<bool> unfinished(size_t(rows), true);
    std::vector<int64_t> parents(static_cast<size_t>(rows));
    std::iota(parents.begin(), parents.end(), 0);
    std::vector<std::vector<float>> logits = startRows(budget);
    StepThreadTuner tuner;
    for (int64_t step = 0; step < budget; ++step) {
        std::vector<int64_t> chosen(static_cast<size_t>(rows));
        for (int64_t r = 0; r < rows; ++r) {
            GeneratedSequence& seq = out.sequences[size_t(r)];
            std::vector<float>& scores = logits[size_t(r)];
            process(scores, seq.tokens, int64_t(prompts[size_t(r)].size()), c);
            if (c.doSample) {
                applyTemperature(scores, c.temperature);
                applyTopK(scores, c.topK);
                applyTopP(scores, c.topP);
            }
            const std::vector<float> probs = softmax(scores);
            int64_t t = c.doSample ? draw(probs, rng) : argmax(scores);
            if (!unfinished[size_t(r)]) {
                t = c.padToken();
            } else {
                seq.score += std::log(double(probs[size_t(t)]));
                report(out, cb, step, r, t, probs);
            }
            seq.tokens.push_back(t);
            chosen[size_t(r)] = t;
        }
        if (cb.onToken && unfinished[0]) cb.onToken(chosen[0]);
        bool any = false;
        for (int64_t r = 0; r < rows; ++r) {
            if (c.isEos(chosen[size_t(r)])) unfinished[size_t(r)] = false;
            any = any || unfinished[size_t(r)];
        }
        if (!any || step + 1 == budget) break;
        if (isCancelled(cb)) {
            out.cancelled = true;
            break;
        }
        tuner.beforeStep();
        logits = model.next(parents, chosen);
        tuner.afterStep();
    }
    return out;
}

GenerationResult beamSearch(LanguageModel& model, const std::vector<int64_t>& prompt,
                            const GenerationConfig& c, const GenerationCallbacks& cb)
{
    const int64_t P = int64_t(prompt.size()), budget = c.newTokenBudget(P), beams = c.numBeams;
    const int64_t maxLength = P + budget, V = model.vocabSize();
    GenerationResult out;
    out.promptLength = P;
    if (budget == 0) {
        out.sequences.assign(size_t(c.numReturnSequences), GeneratedSequence{prompt, 0.0});
        return out;
    }
    BeamHypotheses hyps(beams, c.lengthPenalty, c.earlyStopping, maxLength);
    // Only beam 0 is live at first, so the first expansion does not yield `beams` copies of one token.
    std::vector<float> beamScores(size_t(beams), -1e9f);
    beamScores[0] = 0.f;
    std::vector<std::vector<int64_t>> seqs(size_t(beams), prompt);
    std::vector<std::vector<float>> logits = model.start(prompt, beams, maxLength);
    StepThreadTuner tuner;
    const int64_t keep = std::max<int64_t>(2, 1 + int64_t(c.eosTokenIds.size())) * beams;
    bool done = false;
    for (int64_t step = 0; step < budget; ++step) {
        // Running sums over beams x vocabulary, in f32 as the library adds them.
        std::vector<float> flat(size_t(beams * V));
        for (int64_t b = 0; b < beams; ++b) {
            std::vector<float>& s = logits[size_t(b)];
            logSoftmaxInPlace(s);
            process(s, seqs[size_t(b)], P, c);
            if (cb.topAlternatives > 0) {
                std::vector<float> probs(s.size());
                for (size_t i = 0; i < s.size(); ++i)
                    probs[i] = std::exp(s[i]);
                report(out, cb, step, b, -1, probs);
            }
            for (int64_t v = 0; v < V; ++v)
                flat[size_t(b * V + v)] = s[size_t(v)] + beamScores[size_t(b)];
        }
        std::vector<int64_t> order(flat.size());
        std::iota(order.begin(), order.end(), 0);
        const int64_t k = std::min<int64_t>(keep, int64_t(flat.size()));
        std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int64_t a, int64_t b) {
            return flat[size_t(a)] > flat[size_t(b)] || (flat[size_t(a)] == flat[size_t(b)] && a < b);
        });
        const int64_t curLen = int64_t(seqs[0].size()) + 1; // the length the new scores belong to
        std::vector<float> nextScores;
        std::vector<int64_t> nextTokens, nextParents;
        for (int64_t rank = 0; rank < k && int64_t(nextTokens.size()) < beams; ++rank) {
            const int64_t idx = order[size_t(rank)], parent = idx / V, token = idx % V;
            if (c.isEos(token)) {
                // Only an EOS among the top `beams` candidates finishes a hypothesis; stored without it.
                if (rank >= beams) continue;
                hyps.add(seqs[size_t(parent)], double(flat[size_t(idx)]), curLen - P);
            } else {
                nextScores.push_back(flat[size_t(idx)]);
                nextTokens.push_back(token);
                nextParents.push_back(parent);
            }
        }
        if (int64_t(nextTokens.size()) < beams)
            throw Error("beam search",
                        "too few non-EOS candidates to fill " + std::to_string(beams) + " beams");
        done = hyps.isDone(double(flat[size_t(order[0])]), curLen, P);
        std::vector<std::vector<int64_t>> grown(static_cast<size_t>(beams));
        for (int64_t b = 0; b < beams; ++b) {
            grown[size_t(b)] = seqs[size_t(nextParents[size_t(b)])];
            grown[size_t(b)].push_back(nextTokens[size_t(b)]);
        }
        seqs = std::move(grown);
        beamScores = nextScores;
        if (done || int64_t(seqs[0].size()) >= maxLength) break;
        if (isCancelled(cb)) {
            out.cancelled = true;
            break;
        }
        tuner.beforeStep();
        logits = model.next(nextParents, nextTokens);
        tuner.afterStep();
    }
    if (!done)
        for (int64_t b = 0; b < beams; ++b)
            hyps.add(seqs[size_t(b)], double(beamScores[size_t(b)]), int64_t(seqs[size_t(b)].size()) - P);
    const auto best = hyps.best(c.numReturnSequences);
    size_t longest = 0;
    for (const auto& h : best)
        longest = std::max(longest, h.tokens.size());
    const size_t width = std::min<size_t>(longest + 1, size_t(maxLength));
    for (const auto& h : best) {
        GeneratedSequence s{h.tokens, h.score};
        // A sequence that stopped early gets EOS where it stopped, then padding (only when lengths differ).
        if (s.tokens.size() < width && !c.eosTokenIds.empty()) s.tokens.push_back(c.eosTokenIds.front());
        out.sequences.push_back(std::move(s));
    }
    bool sameLength = true;
    for (const auto& h : best)
        sameLength = sameLength && h.tokens.size() == best.front().tokens.size();
    if (!sameLength)
        for (auto& s : out.sequences)
            s.tokens.resize(width, c.padToken());
    return out;
}

} // namespace

GenerationResult generateSequences(LanguageModel& model, const std::vector<int64_t>& prompt,
                                   const GenerationConfig& c, const GenerationCallbacks& cb)
{
    c.validate();
    if (prompt.empty())
        throw Error("generate", "the prompt is empty (a model without BOS needs at least one token)");
    const int64_t budget = c.newTokenBudget(int64_t(prompt.size()));
    const int64_t limit = model.maxPositions();
    if (limit > 0 && int64_t(prompt.size()) >= limit)
        throw Error("generate", "the prompt has " + std::to_string(prompt.size()) +
                                    " tokens; the model holds at most " + std::to_string(limit) +
                                    " positions, so no token can follow it");
    GenerationConfig fitted = c;
    if (limit > 0 && int64_t(prompt.size()) + budget > limit)
        fitted.maxNewTokens = limit - int64_t(prompt.size());
    if (c.numBeams > 1) return beamSearch(model, prompt, fitted, cb);
    const int64_t rows = fitted.doSample ? fitted.numReturnSequences : 1;
    const int64_t P = int64_t(prompt.size());
    return decodeRows(
        std::vector<std::vector<int64_t>>(size_t(rows), prompt), model,
        [&](int64_t n) { return model.start(prompt, rows, P + n); }, fitted, cb);
}

std::vector<GenerationResult> generateBatch(LanguageModel& model,
                                            const std::vector<std::vector<int64_t>>& prompts,
                                            const GenerationConfig& c, const GenerationCallbacks& cb)
{
    c.validate();
    if (prompts.empty()) throw Error("generate", "no prompts given");
    if (c.numBeams > 1 || c.numReturnSequences > 1)
        throw Error("generate", "several prompts in one batch decode greedily or sample one sequence each "
                                "(no beams, num_return_sequences 1)");
    int64_t P = 0;
    for (size_t i = 0; i < prompts.size(); ++i) {
        if (prompts[i].empty()) throw Error("generate", "prompt " + std::to_string(i + 1) + " is empty");
        P = std::max<int64_t>(P, int64_t(prompts[i].size()));
    }
    const int64_t limit = model.maxPositions();
    if (limit > 0 && P >= limit)
        throw Error("generate", "the longest prompt has " + std::to_string(P) +
                                    " tokens; the model holds at most " + std::to_string(limit) +
                                    " positions, so no token can follow it");
    if (prompts.size() > 1 && !model.supportsPadding())
        throw Error("generate", "this model cannot mask padding, so prompts of a batch cannot be padded: run "
                                "them one at a time");
    GenerationConfig fitted = c;
    if (limit > 0 && P + c.newTokenBudget(P) > limit) fitted.maxNewTokens = limit - P;
    // transformers' padding_side="left": every prompt ends at the same column, so each row's next token
    // is read at the last column; mask 0 over the padding.
    std::vector<std::vector<int64_t>> padded;
    std::vector<std::vector<uint8_t>> mask;
    for (const auto& p : prompts) {
        const size_t pad = size_t(P) - p.size();
        std::vector<int64_t> row(pad, fitted.padToken());
        row.insert(row.end(), p.begin(), p.end());
        padded.push_back(std::move(row));
        std::vector<uint8_t> m(pad, 0);
        m.resize(size_t(P), 1);
        mask.push_back(std::move(m));
    }
    const StartRows start = [&](int64_t n) {
        return prompts.size() == 1 ? model.start(prompts.front(), 1, P + n)
                                   : model.startPadded(padded, mask, P + n);
    };
    GenerationResult all = decodeRows(prompts, model, start, fitted, cb);
    std::vector<GenerationResult> out(prompts.size());
    for (size_t i = 0; i < prompts.size(); ++i) {
        out[i].promptLength = int64_t(prompts[i].size());
        out[i].cancelled = all.cancelled;
        GeneratedSequence seq = all.sequences[i];
        // A row that stopped early was padded after its EOS; its own run would have stopped there.
        const auto eos = std::find_if(seq.tokens.begin() + int64_t(prompts[i].size()), seq.tokens.end(),
                                      [&](int64_t t) { return fitted.isEos(t); });
        if (eos != seq.tokens.end()) seq.tokens.erase(eos + 1, seq.tokens.end());
        out[i].sequences.push_back(std::move(seq));
        for (const StepAlternatives& s : all.steps)
            if (s.row == int64_t(i)) out[i].steps.push_back({s.step, 0, s.chosen, s.top});
    }
    return out;
}

} // namespace loupe::compute::generate
