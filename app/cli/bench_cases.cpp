// SPDX-License-Identifier: MIT
#include "app/cli/bench_cases.h"

#include "app/cli/bench_case_timing.h"
#include "app/cli/bench_random_models.h"
#include "compute/autograd/vit_gradients.h"
#include "compute/bench/bench_stats.h"
#include "compute/generate/generate.h"
#include "compute/models/gpt2_language_model.h"
#include "compute/models/vit_benchmark.h"
#include "compute/threadpool.h"

#include <random>

namespace loupe::cli {

namespace {

using compute::Tensor;

constexpr uint32_t kWeightSeed = 1234; // the weights `loupe bench vit` times, so runs can be compared
constexpr double kVitGflopPerImage = 35.2;

long long intValue(const QCommandLineParser& p, const char* name, long long min, long long max = 1LL << 40)
{
    bool ok = false;
    const QString text = p.value(QString::fromLatin1(name));
    const long long v = text.toLongLong(&ok);
    if (!ok || v < min || v > max)
        throw BenchOptionError("--" + std::string(name) + " must be an integer from " + std::to_string(min) +
                               (max < (1LL << 40) ? " to " + std::to_string(max) : std::string(" up")) +
                               ", got \"" + text.toStdString() + "\"");
    return v;
}

QCommandLineOption numberOption(const char* name, const char* help, const char* fallback)
{
    return {QString::fromLatin1(name), QString::fromLatin1(help), QStringLiteral("N"),
            QString::fromLatin1(fallback)};
}

// --warmup, --runs and --threads, with each case's default repetitions.
std::function<void(QCommandLineParser&)> repetitionOptions(const char* runs, const char* warmup,
                                                           std::function<void(QCommandLineParser&)> more = {})
{
    return [=](QCommandLineParser& p) {
        p.addOption(numberOption("warmup", "Untimed runs first.", warmup));
        p.addOption(numberOption("runs", "Timed runs (median and p90 reported).", runs));
        p.addOption(numberOption("threads", "CPU threads (0: all cores).", "0"));
        if (more) more(p);
    };
}

CaseSettings settings(const QCommandLineParser& p, const compute::EngineOptions& engine, int64_t batch = 1)
{
    CaseSettings s;
    s.engine = engine;
    s.warmup = int(intValue(p, "warmup", 0, 1000));
    s.runs = int(intValue(p, "runs", 1, 100000));
    s.batch = batch;
    if (const long long threads = intValue(p, "threads", 0, 4096); threads > 0)
        compute::setThreadCount(int(threads));
    return s;
}

// Deterministic pixels, so two runs (CPU and a GPU) see the same input.
Tensor randomPixels(int64_t batch, int64_t size)
{
    std::mt19937 rng(99);
    std::normal_distribution<float> d(0.f, 1.f);
    Tensor t = Tensor::empty(compute::DType::F32, {batch, 3, size, size});
    for (int64_t i = 0; i < t.numel(); ++i)
        t.ptr<float>()[i] = d(rng);
    return t;
}

nlohmann::json vitForward(const QCommandLineParser& p, const compute::EngineOptions& engine)
{
    const CaseSettings s = settings(p, engine, intValue(p, "batch", 1, 4096));
    const compute::VitModel model = compute::randomVitB16(kWeightSeed, engine);
    const Tensor px = randomPixels(s.batch, 224);
    Tensor logits;
    const CaseTiming t = timeCase(s, [&] { logits = model.forward(px).logits; });
    nlohmann::json j = caseJson("vit-b16-224-forward", s, t, double(s.batch), "images/s");
    j["model"] = "ViT-B/16 224, random weights";
    j["parameters"] = model.parameterCount();
    j["gflops_achieved"] = kVitGflopPerImage * double(s.batch) * 1000.0 / j["ms_median"].get<double>();
    if (p.isSet(QStringLiteral("print-logits"))) {
        // Image 0's logits, for comparing backends on the same weights and pixels.
        const Tensor row = logits.contiguous();
        j["logits_image0"] = std::vector<float>(row.ptr<float>(), row.ptr<float>() + row.size(1));
    }
    return j;
}

nlohmann::json vitAttribution(const QCommandLineParser& p, const compute::EngineOptions& engine)
{
    const CaseSettings s = settings(p, engine, intValue(p, "batch", 1, 256));
    const compute::VitModel model = compute::randomVitB16(kWeightSeed, engine);
    const Tensor px = randomPixels(s.batch, 224);
    compute::VitGradientRequest request;
    request.attentions = true; // Chefer-style: every layer's probabilities and their gradients
    request.inputGrad = false;
    request.nodes = {compute::vitGradCamNode(model)}; // Grad-CAM: the last block's input tokens
    const std::vector<int64_t> targets(size_t(s.batch), 1);
    compute::VitGradients g;
    const CaseTiming t = timeCase(s, [&] { g = compute::vitGradients(model, px, targets, request); });
    nlohmann::json j = caseJson("vit-b16-attribution-forward-backward", s, t, double(s.batch), "images/s");
    j["model"] = "ViT-B/16 224, random weights";
    j["gradient_of"] = "logit of class 1";
    j["with_respect_to"] = {"attention probabilities of every layer", request.nodes.front()};
    j["attention_gradients"] = g.attnGrads.size();
    return j;
}

nlohmann::json gpt2Decode(const QCommandLineParser& p, const compute::EngineOptions& engine)
{
    const CaseSettings s = settings(p, engine);
    const int64_t newTokens = intValue(p, "new-tokens", 2, 1000);
    const int64_t promptTokens = intValue(p, "prompt-tokens", 1, 24);
    const compute::Gpt2Model model = randomGpt2Small(engine);
    const compute::Gpt2Config& c = model.config();
    std::vector<int64_t> prompt;
    for (int64_t i = 0; i < promptTokens; ++i)
        prompt.push_back((464 + 17 * i) % c.vocabSize);
    compute::generate::GenerationConfig cfg;
    cfg.maxNewTokens = cfg.minNewTokens = newTokens; // EOS suppressed: every run decodes them all
    cfg.eosTokenIds = {c.eosTokenId};
    std::vector<double> decodeMs, prefillMs;
    const CaseTiming whole = timeCase(s, [&] {
        compute::Gpt2LanguageModel lm(model);
        std::vector<compute::bench::Clock::time_point> stamps;
        compute::generate::GenerationCallbacks cb;
        cb.onToken = [&](int64_t) { stamps.push_back(compute::bench::Clock::now()); };
        const auto t0 = compute::bench::Clock::now();
        compute::generate::generateSequences(lm, prompt, cfg, cb);
        // The first token comes out of the prompt's forward; each later one costs one decoding step.
        prefillMs.push_back(std::chrono::duration<double, std::milli>(stamps.front() - t0).count());
        decodeMs.push_back(std::chrono::duration<double, std::milli>(stamps.back() - stamps.front()).count());
    });
    CaseTiming t = whole;
    t.ms.assign(decodeMs.end() - s.runs, decodeMs.end()); // the timed runs' decoding phases
    nlohmann::json j = caseJson("gpt2-small-decode", s, t, double(newTokens - 1), "tokens/s");
    j["model"] = "GPT-2 small, random weights";
    j["prompt_tokens"] = promptTokens;
    j["new_tokens"] = newTokens;
    j["ms_is"] = "decoding new_tokens - 1 steps after the prompt's forward (which gives the first token)";
    j["prefill_ms_median"] =
        compute::bench::median(std::vector<double>(prefillMs.end() - s.runs, prefillMs.end()));
    j["ms_per_token_median"] = j["ms_median"].get<double>() / double(newTokens - 1);
    return j;
}

nlohmann::json samEncoder(const QCommandLineParser& p, const compute::EngineOptions& engine)
{
    const CaseSettings s = settings(p, engine);
    const int64_t size = intValue(p, "image-size", 16, 4096), layers = intValue(p, "layers", 1, 12);
    if (size % 16 != 0)
        throw BenchOptionError("--image-size must be a multiple of 16, got " + std::to_string(size));
    const compute::SamModel model = randomSamB(engine, size, layers);
    const Tensor px = randomPixels(1, size);
    Tensor embedding;
    const CaseTiming t = timeCase(s, [&] { embedding = model.embed(px); });
    nlohmann::json j = caseJson("sam-vit-b-encoder-" + std::to_string(size), s, t, 1.0, "images/s");
    j["model"] = "SAM ViT-B image encoder, random weights" +
                 (layers < 12 ? ", first " + std::to_string(layers) + " layers" : std::string());
    j["image_size"] = size;
    j["layers"] = layers;
    j["parameters"] = model.parameterCount();
    j["embedding_shape"] = embedding.shape();
    return j;
}

} // namespace

std::vector<BenchCase> benchCases()
{
    const auto batch = [](QCommandLineParser& p) {
        p.addOption(numberOption("batch", "Images per run.", "1"));
    };
    return {
        {QStringLiteral("vit-forward"),
         QStringLiteral("ViT-B/16 224 forward at --batch (random weights): ms per batch and images/s."),
         repetitionOptions("20", "3",
                           [=](QCommandLineParser& p) {
                               batch(p);
                               p.addOption(
                                   {QStringLiteral("print-logits"),
                                    QStringLiteral("Also print image 0's logits (to compare backends).")});
                           }),
         vitForward},
        {QStringLiteral("gpt2-decode"),
         QStringLiteral("GPT-2 small greedy decode at batch 1 (random weights): decode tokens/s."),
         repetitionOptions("5", "1",
                           [](QCommandLineParser& p) {
                               p.addOption(numberOption("new-tokens", "Tokens decoded per run.", "128"));
                               p.addOption(numberOption("prompt-tokens", "Prompt length.", "8"));
                           }),
         gpt2Decode},
        {QStringLiteral("vit-attribution"),
         QStringLiteral("ViT-B/16 forward + backward of a class logit to the attention probabilities and "
                        "Grad-CAM tokens (random weights): ms per batch."),
         repetitionOptions("5", "1", batch), vitAttribution},
        {QStringLiteral("sam-encoder"),
         QStringLiteral("SAM ViT-B image encoder at 1024x1024 (random weights): ms per image."),
         repetitionOptions(
             "5", "1",
             [](QCommandLineParser& p) {
                 p.addOption(numberOption("image-size", "Input side (a multiple of 16).", "1024"));
                 p.addOption(numberOption("layers", "Encoder layers (fewer: a smoke test).", "12"));
             }),
         samEncoder},
    };
}

} // namespace loupe::cli
