// SPDX-License-Identifier: MIT
// GPT-2 small decoding on Loupe's CPU engine: random weights of the real shapes (12 layers, 768 wide,
// 12 heads, vocabulary 50257, 1024 positions), f32, batch 1, greedy over `--new-tokens` tokens after a
// short prompt (EOS suppressed so every run decodes the full count). Prints one JSON object: prompt
// (prefill) time, decode tokens/s (median and best over runs), per-step times and the load average.
//   loupe_bench_generate [--runs N] [--new-tokens N] [--prompt-tokens N] [--threads N] [--trace-top-k K]
#include "compute/generate/generate.h"
#include "compute/models/gpt2.h"
#include "compute/models/gpt2_language_model.h"
#include "compute/threadpool.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

using namespace loupe::compute;
using Clock = std::chrono::steady_clock;

namespace {

// Deterministic values with roughly the spread of trained weights (no need for real ones: speed only).
Tensor randomTensor(Shape shape, float scale, uint64_t& state)
{
    Tensor t = Tensor::empty(DType::F32, shape);
    float* p = t.ptr<float>();
    for (int64_t i = 0; i < t.numel(); ++i) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        p[i] = scale * (float(state >> 40) / float(1 << 24) - 0.5f);
    }
    return t;
}

Gpt2Model gpt2Small()
{
    Gpt2Config c; // the library defaults are GPT-2 small
    const int64_t D = c.nEmbd, I = c.innerSize();
    uint64_t s = 0x9E3779B97F4A7C15ull;
    std::map<std::string, Tensor> w;
    w["transformer.wte.weight"] = randomTensor({c.vocabSize, D}, 0.1f, s);
    w["transformer.wpe.weight"] = randomTensor({c.nPositions, D}, 0.02f, s);
    for (int64_t i = 0; i < c.nLayer; ++i) {
        const std::string l = "transformer.h." + std::to_string(i) + ".";
        for (const char* n : {"ln_1", "ln_2"}) {
            w[l + n + ".weight"] = randomTensor({D}, 0.2f, s);
            w[l + n + ".bias"] = randomTensor({D}, 0.2f, s);
        }
        w[l + "attn.c_attn.weight"] = randomTensor({D, 3 * D}, 0.07f, s);
        w[l + "attn.c_attn.bias"] = randomTensor({3 * D}, 0.02f, s);
        w[l + "attn.c_proj.weight"] = randomTensor({D, D}, 0.07f, s);
        w[l + "attn.c_proj.bias"] = randomTensor({D}, 0.02f, s);
        w[l + "mlp.c_fc.weight"] = randomTensor({D, I}, 0.07f, s);
        w[l + "mlp.c_fc.bias"] = randomTensor({I}, 0.02f, s);
        w[l + "mlp.c_proj.weight"] = randomTensor({I, D}, 0.035f, s);
        w[l + "mlp.c_proj.bias"] = randomTensor({D}, 0.02f, s);
    }
    w["transformer.ln_f.weight"] = randomTensor({D}, 0.2f, s);
    w["transformer.ln_f.bias"] = randomTensor({D}, 0.2f, s);
    return Gpt2Model::fromTensors(c, std::move(w), "random GPT-2 small");
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

} // namespace

int main(int argc, char** argv)
{
    int runs = 3, threads = 2;
    int64_t newTokens = 128, promptTokens = 8, topK = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--runs"))
            runs = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--new-tokens"))
            newTokens = std::atoll(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--prompt-tokens"))
            promptTokens = std::atoll(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--threads"))
            threads = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--trace-top-k"))
            topK = std::atoll(argv[i + 1]);
    }
    setThreadCount(threads);
    const auto l0 = Clock::now();
    const Gpt2Model model = gpt2Small();
    const double loadMs = std::chrono::duration<double, std::milli>(Clock::now() - l0).count();

    std::vector<int64_t> prompt;
    for (int64_t i = 0; i < promptTokens; ++i)
        prompt.push_back(464 + 17 * i);
    generate::GenerationConfig cfg;
    cfg.maxNewTokens = newTokens;
    cfg.minNewTokens = newTokens;
    cfg.eosTokenIds = {50256};

    std::vector<double> prefillMs, decodeTps, stepMs;
    for (int r = 0; r < runs + 1; ++r) { // run 0 warms up (oneDNN primitives, page faults)
        Gpt2LanguageModel lm(model);
        std::vector<Clock::time_point> stamps;
        generate::GenerationCallbacks cb;
        cb.topAlternatives = topK;
        cb.onToken = [&](int64_t) { stamps.push_back(Clock::now()); };
        const auto t0 = Clock::now();
        const auto res = generate::generateSequences(lm, prompt, cfg, cb);
        if (int64_t(res.sequences.front().tokens.size()) != promptTokens + newTokens) {
            std::cerr << "decoded " << res.sequences.front().tokens.size() << " tokens, expected "
                      << promptTokens + newTokens << "\n";
            return 1;
        }
        if (r == 0) continue;
        // The first token comes out of the prompt's forward; each later one costs one decoding step.
        prefillMs.push_back(std::chrono::duration<double, std::milli>(stamps.front() - t0).count());
        const double decodeS = std::chrono::duration<double>(stamps.back() - stamps.front()).count();
        decodeTps.push_back(double(newTokens - 1) / decodeS);
        for (size_t i = 1; i < stamps.size(); ++i)
            stepMs.push_back(std::chrono::duration<double, std::milli>(stamps[i] - stamps[i - 1]).count());
    }
    double load1 = 0;
    std::ifstream("/proc/loadavg") >> load1;
    nlohmann::json j;
    j["benchmark"] = "gpt2_small_decode";
    j["dtype"] = "f32";
    j["batch"] = 1;
    j["threads"] = threadCount();
    j["prompt_tokens"] = promptTokens;
    j["new_tokens"] = newTokens;
    j["runs"] = runs;
    j["trace_top_k"] = topK;
    j["parameters"] = model.parameterCount();
    j["weight_bytes"] = model.weightBytes();
    j["load_ms"] = loadMs;
    j["prefill_ms_median"] = median(prefillMs);
    j["decode_tokens_per_s_median"] = median(decodeTps);
    j["decode_tokens_per_s_best"] =
        decodeTps.empty() ? 0 : *std::max_element(decodeTps.begin(), decodeTps.end());
    j["step_ms_median"] = median(stepMs);
    j["step_ms_p90"] = [&] {
        std::vector<double> v = stepMs;
        std::sort(v.begin(), v.end());
        return v.empty() ? 0 : v[v.size() * 9 / 10];
    }();
    j["load_average_1min"] = load1;
    // With more runnable threads than cores, OpenMP's default spinning barriers stall every GEMM while
    // the other worker is descheduled; OMP_WAIT_POLICY=PASSIVE avoids that on a busy machine.
    const char* wait = std::getenv("OMP_WAIT_POLICY");
    j["omp_wait_policy"] = wait ? wait : "default";
    j["reference"] =
        "llama.cpp GPT-2 small f32, 2 threads: 75 tokens/s on the development machine (not run here)";
    std::cout << j.dump(2) << std::endl;
    return 0;
}
