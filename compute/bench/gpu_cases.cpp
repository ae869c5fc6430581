// SPDX-License-Identifier: MIT
#include "compute/bench/gpu_cases.h"

#include "compute/autograd/vit_gradients.h"
#include "compute/bench/bench_stats.h"
#include "compute/bench/case_timing.h"
#include "compute/bench/random_models.h"
#include "compute/generate/generate.h"
#include "compute/models/gpt2_language_model.h"
#include "compute/models/vit_benchmark.h"
#include "compute/threadpool.h"

#include <algorithm>
#include <random>

namespace loupe::compute::bench {

namespace {

constexpr uint32_t kWeightSeed = 1234; // the weights `loupe bench vit` times, so runs can be compared
constexpr double kVitGflopPerImage = 35.2;

void require(bool ok, const std::string& option, const std::string& rule, int64_t got)
{
    if (!ok) throw GpuCaseOptionError("--" + option + " must be " + rule + ", got " + std::to_string(got));
}

CaseSettings settings(const GpuCaseOptions& o, const GpuCaseInfo& info, int64_t batch = 1)
{
    CaseSettings s;
    s.engine = o.engine;
    s.warmup = o.warmup < 0 ? info.defaultWarmup : o.warmup;
    s.runs = o.runs < 0 ? info.defaultRuns : o.runs;
    require(s.warmup <= 1000, "warmup", "0 to 1000", s.warmup);
    require(s.runs >= 1 && s.runs <= 100000, "runs", "1 to 100000", s.runs);
    require(o.threads >= 0, "threads", "0 or more", o.threads);
    s.batch = batch;
    if (o.threads > 0) setThreadCount(o.threads);
    return s;
}

// Deterministic pixels, so two runs (the CPU and a GPU) see the same input.
Tensor randomPixels(int64_t batch, int64_t size)
{
    std::mt19937 rng(99);
    std::normal_distribution<float> d(0.f, 1.f);
    Tensor t = Tensor::empty(DType::F32, {batch, 3, size, size});
    for (int64_t i = 0; i < t.numel(); ++i)
        t.ptr<float>()[i] = d(rng);
    return t;
}

nlohmann::json vitForward(const GpuCaseOptions& o, const GpuCaseInfo& info)
{
    require(o.batch >= 1 && o.batch <= 4096, "batch", "1 to 4096", o.batch);
    const CaseSettings s = settings(o, info, o.batch);
    const VitModel model = randomVitB16(kWeightSeed, o.engine);
    const Tensor px = randomPixels(s.batch, 224);
    Tensor logits;
    const CaseTiming t = timeCase(s, [&] { logits = model.forward(px).logits; });
    nlohmann::json j = caseJson("vit-b16-224-forward", s, t, double(s.batch), "images/s");
    j["model"] = "ViT-B/16 224, random weights";
    j["parameters"] = model.parameterCount();
    j["gflops_achieved"] = kVitGflopPerImage * double(s.batch) * 1000.0 / j["ms_median"].get<double>();
    if (o.printLogits) {
        const Tensor all = logits.contiguous();
        j["logits_image0"] = std::vector<float>(all.ptr<float>(), all.ptr<float>() + all.size(1));
    }
    return j;
}

nlohmann::json vitAttribution(const GpuCaseOptions& o, const GpuCaseInfo& info)
{
    require(o.batch >= 1 && o.batch <= 256, "batch", "1 to 256", o.batch);
    const CaseSettings s = settings(o, info, o.batch);
    const VitModel model = randomVitB16(kWeightSeed, o.engine);
    const Tensor px = randomPixels(s.batch, 224);
    VitGradientRequest request;
    request.attentions = true; // Chefer-style: every layer's probabilities and their gradients
    request.inputGrad = false;
    request.nodes = {vitGradCamNode(model)}; // Grad-CAM: the tokens entering the last block
    const std::vector<int64_t> targets(size_t(s.batch), 1);
    VitGradients g;
    const CaseTiming t = timeCase(s, [&] { g = vitGradients(model, px, targets, request); });
    nlohmann::json j = caseJson("vit-b16-attribution-forward-backward", s, t, double(s.batch), "images/s");
    j["model"] = "ViT-B/16 224, random weights";
    j["gradient_of"] = "logit of class 1";
    j["with_respect_to"] = {"attention probabilities of every layer", request.nodes.front()};
    j["attention_gradients"] = g.attnGrads.size();
    return j;
}

nlohmann::json gpt2Decode(const GpuCaseOptions& o, const GpuCaseInfo& info)
{
    require(o.newTokens >= 2 && o.newTokens <= 1000, "new-tokens", "2 to 1000", o.newTokens);
    require(o.promptTokens >= 1 && o.promptTokens <= 24, "prompt-tokens", "1 to 24", o.promptTokens);
    require(o.batch == 1, "batch", "1 (decoding is timed at batch 1)", o.batch);
    const CaseSettings s = settings(o, info);
    const Gpt2Model model = randomGpt2Small(o.engine);
    const Gpt2Config& c = model.config();
    std::vector<int64_t> prompt;
    for (int64_t i = 0; i < o.promptTokens; ++i)
        prompt.push_back((464 + 17 * i) % c.vocabSize);
    generate::GenerationConfig cfg;
    cfg.maxNewTokens = cfg.minNewTokens = o.newTokens; // EOS suppressed: every run decodes them all
    cfg.eosTokenIds = {c.eosTokenId};
    std::vector<double> decodeMs, prefillMs;
    CaseTiming t = timeCase(s, [&] {
        Gpt2LanguageModel lm(model);
        std::vector<Clock::time_point> stamps;
        generate::GenerationCallbacks cb;
        cb.onToken = [&](int64_t) { stamps.push_back(Clock::now()); };
        const auto t0 = Clock::now();
        generate::generateSequences(lm, prompt, cfg, cb);
        // The first token comes out of the prompt's forward; each later one costs one decoding step.
        prefillMs.push_back(std::chrono::duration<double, std::milli>(stamps.front() - t0).count());
        decodeMs.push_back(std::chrono::duration<double, std::milli>(stamps.back() - stamps.front()).count());
    });
    t.ms.assign(decodeMs.end() - s.runs, decodeMs.end()); // the timed runs' decoding phases
    nlohmann::json j = caseJson("gpt2-small-decode", s, t, double(o.newTokens - 1), "tokens/s");
    j["model"] = "GPT-2 small, random weights";
    j["prompt_tokens"] = o.promptTokens;
    j["new_tokens"] = o.newTokens;
    j["ms_is"] = "decoding new_tokens - 1 steps after the prompt's forward (which gives the first token)";
    j["prefill_ms_median"] = median(std::vector<double>(prefillMs.end() - s.runs, prefillMs.end()));
    j["ms_per_token_median"] = j["ms_median"].get<double>() / double(o.newTokens - 1);
    return j;
}

nlohmann::json samEncoder(const GpuCaseOptions& o, const GpuCaseInfo& info)
{
    require(o.imageSize >= 16 && o.imageSize <= 4096 && o.imageSize % 16 == 0, "image-size",
            "a multiple of 16 from 16 to 4096", o.imageSize);
    require(o.layers >= 1 && o.layers <= 12, "layers", "1 to 12", o.layers);
    require(o.batch == 1, "batch", "1 (SAM embeds one image at a time)", o.batch);
    const CaseSettings s = settings(o, info);
    const SamModel model = randomSamB(o.engine, o.imageSize, o.layers);
    const Tensor px = randomPixels(1, o.imageSize);
    Tensor embedding;
    const CaseTiming t = timeCase(s, [&] { embedding = model.embed(px); });
    nlohmann::json j = caseJson("sam-vit-b-encoder-" + std::to_string(o.imageSize), s, t, 1.0, "images/s");
    j["model"] = "SAM ViT-B image encoder, random weights" +
                 (o.layers < 12 ? ", first " + std::to_string(o.layers) + " layers" : std::string());
    j["image_size"] = o.imageSize;
    j["layers"] = o.layers;
    j["parameters"] = model.parameterCount();
    j["embedding_shape"] = embedding.shape();
    return j;
}

} // namespace

const std::vector<GpuCaseInfo>& gpuCases()
{
    static const std::vector<GpuCaseInfo> cases = {
        {"vit-forward", "ViT-B/16 224 forward at --batch (random weights): ms per batch and images/s.", 20, 3,
         true},
        {"gpt2-decode", "GPT-2 small greedy decode at batch 1 (random weights): decode tokens/s.", 5, 1,
         false},
        {"vit-attribution",
         "ViT-B/16 forward + backward of a class logit to the attention probabilities and Grad-CAM tokens "
         "(random weights): ms per batch.",
         5, 1, true},
        {"sam-encoder", "SAM ViT-B image encoder at 1024x1024 (random weights): ms per image.", 5, 1, false},
    };
    return cases;
}

nlohmann::json runGpuCase(const std::string& name, const GpuCaseOptions& options)
{
    const auto& cases = gpuCases();
    const auto it =
        std::find_if(cases.begin(), cases.end(), [&](const GpuCaseInfo& c) { return c.name == name; });
    if (it == cases.end()) throw GpuCaseOptionError("unknown benchmark case \"" + name + "\"");
    if (name == "vit-forward") return vitForward(options, *it);
    if (name == "gpt2-decode") return gpt2Decode(options, *it);
    if (name == "vit-attribution") return vitAttribution(options, *it);
    return samEncoder(options, *it);
}

} // namespace loupe::compute::bench
