// SPDX-License-Identifier: MIT
#include "compute/bench/decode_benchmark.h"

#include "compute/bench/bench_stats.h"
#include "compute/bench/random_weights.h"
#include "compute/cpu_options.h"
#include "compute/error.h"
#include "compute/generate/generate.h"
#include "compute/io/checkpoint.h"
#include "compute/models/gpt2_language_model.h"
#include "compute/threadpool.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace loupe::compute::bench {

nlohmann::json decodeBenchmark(const DecodeBenchOptions& o)
{
    if (o.runs < 1 || o.newTokens < 2 || o.promptTokens < 1 || o.rows < 1 || o.threads < 0 || o.traceTopK < 0)
        throw Error("decode benchmark", "runs and rows must be at least 1, new tokens at least 2, prompt "
                                        "tokens at least 1, threads and trace top-k not negative");
    if (o.threads > 0) setThreadCount(o.threads);
    if (!o.save.empty()) writeRandomGpt2(o.save, Gpt2Config{});
    const auto l0 = Clock::now();
    const std::string source = !o.model.empty() ? o.model : !o.save.empty() ? o.save : std::string();
    const Gpt2Model model = source.empty() ? randomGpt2(Gpt2Config{})
                                           : Gpt2Model::fromCheckpoint(Checkpoint::open(source, o.engine));
    const double loadMs = msSince(l0);
    const Gpt2Config& c = model.config();
    if (o.promptTokens + o.newTokens > c.nPositions)
        throw Error(source.empty() ? "decode benchmark" : source,
                    "prompt and new tokens exceed the model's " + std::to_string(c.nPositions) +
                        " positions");

    std::vector<int64_t> prompt;
    for (int64_t i = 0; i < o.promptTokens; ++i)
        prompt.push_back((464 + 17 * i) % c.vocabSize);
    generate::GenerationConfig cfg;
    cfg.maxNewTokens = o.newTokens;
    cfg.minNewTokens = o.newTokens;
    cfg.eosTokenIds = {c.eosTokenId};
    cfg.doSample = o.rows > 1;
    cfg.numReturnSequences = o.rows;

    std::vector<double> prefillMs, decodeTps, stepMs;
    for (int r = 0; r <= o.runs; ++r) { // run 0 warms up (oneDNN primitives, graph caches, page faults)
        Gpt2LanguageModel lm(model);
        std::vector<Clock::time_point> stamps;
        stamps.reserve(size_t(o.newTokens));
        generate::GenerationCallbacks cb;
        cb.topAlternatives = o.traceTopK;
        cb.onToken = [&](int64_t) { stamps.push_back(Clock::now()); };
        const auto t0 = Clock::now();
        const auto res = generate::generateSequences(lm, prompt, cfg, cb);
        for (const auto& s : res.sequences)
            if (int64_t(s.tokens.size()) != o.promptTokens + o.newTokens)
                throw Error("decode benchmark", "decoded " + std::to_string(s.tokens.size()) +
                                                    " tokens, expected " +
                                                    std::to_string(o.promptTokens + o.newTokens));
        if (r == 0) continue;
        // The first token comes out of the prompt's forward; each later one costs one decoding step.
        prefillMs.push_back(std::chrono::duration<double, std::milli>(stamps.front() - t0).count());
        decodeTps.push_back(double(o.newTokens - 1) /
                            std::chrono::duration<double>(stamps.back() - stamps.front()).count());
        for (size_t i = 1; i < stamps.size(); ++i)
            stepMs.push_back(std::chrono::duration<double, std::milli>(stamps[i] - stamps[i - 1]).count());
    }
    nlohmann::json j;
    j["benchmark"] = "gpt2_decode";
    j["model"] = source.empty() ? "random GPT-2 small (not saved)" : source;
    j["dtype"] = "f32";
    j["batch"] = o.rows;
    if (o.rows > 1)
        j["note"] = "rows sampled from one prompt (num_return_sequences, top_k 50); tokens/s counts steps, "
                    "times rows for the tokens of all rows";
    j["threads"] = threadCount();
    // Decoding steps may run on one thread where that measured faster (StepThreadTuner).
    j["adaptive_threads"] = cpuOptions().adaptiveThreads;
    j["prompt_tokens"] = o.promptTokens;
    j["new_tokens"] = o.newTokens;
    j["runs"] = o.runs;
    j["trace_top_k"] = o.traceTopK;
    j["parameters"] = model.parameterCount();
    j["weight_bytes"] = model.weightBytes();
    j["load_ms"] = loadMs;
    j["prefill_ms_median"] = median(prefillMs);
    j["decode_tokens_per_s_median"] = median(decodeTps);
    j["decode_tokens_per_s_best"] = *std::max_element(decodeTps.begin(), decodeTps.end());
    j["step_ms_median"] = median(stepMs);
    j["step_ms_p90"] = percentile(stepMs, 0.9);
    j["load_average_1min"] = loadAverage1();
    j["omp_wait_policy"] = ompWaitPolicy();
    return j;
}

} // namespace loupe::compute::bench
