// SPDX-License-Identifier: MIT
#include "compute/bench/caption_benchmark.h"

#include "compute/bench/bench_stats.h"
#include "compute/bench/random_weights.h"
#include "compute/bench/tokenizer_benchmark.h"
#include "compute/error.h"
#include "compute/generate/generate.h"
#include "compute/io/checkpoint.h"
#include "compute/models/blip.h"
#include "compute/models/blip_caption_trace.h"
#include "compute/models/gpt2_language_model.h"
#include "compute/models/vision_encoder_decoder.h"
#include "compute/models/vision_encoder_decoder_trace.h"
#include "compute/threadpool.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <unistd.h>

namespace loupe::compute::bench {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The decoding loop of one run, given the callbacks to pass on; returns the new tokens of its shortest row.
using Decode = std::function<int64_t(const generate::GenerationCallbacks&)>;

int64_t shortestRow(const generate::GenerationResult& r, size_t rows)
{
    if (r.sequences.size() != rows) return -1;
    size_t shortest = r.sequences.front().tokens.size();
    for (const auto& s : r.sequences)
        shortest = std::min(shortest, s.tokens.size());
    return int64_t(shortest) - r.promptLength;
}

// prepare(n) encodes the image (timed: part of the time to first token) and returns the loop decoding n
// tokens. Run 0 warms up with 4 tokens; then medians over `runs`, and the best tokens/s.
json measure(int runs, int64_t newTokens, const std::function<Decode(int64_t)>& prepare, bool image = true)
{
    std::vector<double> enc, first, tps;
    for (int i = 0; i <= runs; ++i) {
        const int64_t n = i == 0 ? std::min<int64_t>(4, newTokens) : newTokens;
        std::vector<Clock::time_point> stamps;
        generate::GenerationCallbacks cb;
        cb.onToken = [&](int64_t) { stamps.push_back(Clock::now()); };
        const auto t0 = Clock::now();
        const Decode decode = prepare(n);
        const double encodeMs = msSince(t0);
        if (const int64_t got = decode(cb); got != n || stamps.size() != size_t(n))
            throw Error("caption benchmark",
                        "decoded " + std::to_string(got) + " tokens, expected " + std::to_string(n));
        if (i == 0) continue;
        enc.push_back(encodeMs);
        first.push_back(std::chrono::duration<double, std::milli>(stamps.front() - t0).count());
        tps.push_back(double(n - 1) / std::chrono::duration<double>(stamps.back() - stamps.front()).count());
    }
    json j{{"time_to_first_token_ms_median", median(first)},
           {"decode_tokens_per_s_median", median(tps)},
           {"decode_tokens_per_s_best", *std::max_element(tps.begin(), tps.end())}};
    if (image) j["encode_ms_median"] = median(enc);
    return j;
}

generate::GenerationConfig fixedLength(int64_t newTokens, int64_t eos)
{
    generate::GenerationConfig c;
    c.maxNewTokens = newTokens;
    c.minNewTokens = newTokens;
    c.eosTokenIds = {eos};
    return c;
}

// Removes the temporary BLIP folder however the benchmark ends.
struct TempDir
{
    fs::path path;
    ~TempDir()
    {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

} // namespace

json captionBenchmark(const CaptionBenchOptions& o)
{
    const int64_t newTokens = o.newTokens < 0 ? (o.quick ? 16 : 128) : o.newTokens;
    if (newTokens < 2 || o.runs < 1 || o.threads < 0)
        throw Error("caption benchmark",
                    "new tokens must be at least 2, runs at least 1, threads not negative");
    if (o.threads > 0) setThreadCount(o.threads);
    // The library defaults are GPT-2 small, ViT-B/16 224 and BLIP base; quick shrinks them to 2 layers
    // 64 wide.
    Gpt2Config gc;
    ViTConfig vc;
    BlipConfig bc;
    if (o.quick) {
        gc.vocabSize = 1000, gc.nPositions = 256, gc.nEmbd = 64, gc.nLayer = 2, gc.nHead = 4;
        gc.bosTokenId = gc.eosTokenId = 999;
        vc.hiddenSize = 64, vc.numHiddenLayers = 2, vc.numAttentionHeads = 4, vc.intermediateSize = 256;
        vc.imageSize = 64;
        BlipVisionConfig& bv = bc.vision;
        bv.hiddenSize = 64, bv.intermediateSize = 256, bv.numHiddenLayers = 2, bv.numAttentionHeads = 4;
        bv.imageSize = 64;
        BlipTextConfig& bt = bc.text;
        bt.vocabSize = 1000, bt.hiddenSize = bt.encoderHiddenSize = 64, bt.intermediateSize = 256;
        bt.numHiddenLayers = 2, bt.numAttentionHeads = 4, bt.maxPositionEmbeddings = 160, bt.bosTokenId = 998;
    }
    json j{{"benchmark", "caption"}, {"dtype", "f32"},          {"threads", threadCount()},
           {"quick", o.quick},       {"new_tokens", newTokens}, {"runs", o.runs}};
    const int runs = o.runs;

    // --- GPT-2 decoding, batch 1 and 8 ---
    std::vector<int64_t> prompt;
    for (int64_t id : {464, 2068, 7586, 21831, 18045, 625, 262, 16931})
        prompt.push_back(id % gc.vocabSize);
    auto t0 = Clock::now();
    const Gpt2Model gpt2 = randomGpt2(gc);
    json& g = j["gpt2_decode"] = {{"parameters", gpt2.parameterCount()}, {"build_ms", msSince(t0)}};
    auto decodeRows = [&](int64_t rows) {
        return [&, rows](int64_t n) -> Decode {
            return [&, rows, n](const generate::GenerationCallbacks& cb) {
                Gpt2LanguageModel lm(gpt2);
                generate::GenerationConfig c = fixedLength(n, gc.eosTokenId);
                c.doSample = rows > 1;
                c.numReturnSequences = rows;
                return shortestRow(generateSequences(lm, prompt, c, cb), size_t(rows));
            };
        };
    };
    g["batch1"] = measure(runs, newTokens, decodeRows(1), false);
    // The loop runs several rows of one prompt (beams, num_return_sequences); eight sampled rows is the
    // batch-8 step.
    g["batch8"] = measure(runs, newTokens, decodeRows(8), false);
    g["batch8"]["rows"] = 8;
    g["batch8"]["note"] = "8 sampled rows (num_return_sequences=8, top_k 50) of one prompt; tokens/s "
                          "counts steps, x8 for the tokens of all rows";

    // --- ViT-GPT2 captioning ---
    t0 = Clock::now();
    Gpt2Config dc = gc;
    dc.addCrossAttention = true;
    dc.nEmbd = vc.hiddenSize;
    const auto ved =
        VisionEncoderDecoderModel::fromModels(randomVit(vc), randomGpt2(dc), dc.bosTokenId, "random");
    json& v =
        j["vit_gpt2"] = {{"parameters", ved.encoder().parameterCount() + ved.decoder().parameterCount()},
                         {"image_size", vc.imageSize},
                         {"build_ms", msSince(t0)}};
    const Tensor vitPixels = RandomWeights{}.make({1, 3, vc.imageSize, vc.imageSize}, 2.0f);
    for (const bool traced : {false, true})
        v[traced ? "traced" : "plain"] = measure(runs, newTokens, [&](int64_t n) -> Decode {
            const Tensor states = ved.encode(vitPixels);
            return [&, states, n, traced](const generate::GenerationCallbacks& cb) {
                Gpt2LanguageModel lm = ved.languageModel(states);
                // The recorder turns the step's cross-attention outputs on: traced runs only.
                std::optional<CrossAttentionRecorder> rec;
                if (traced) rec.emplace(lm, 5);
                generate::LanguageModel& m = rec ? static_cast<generate::LanguageModel&>(*rec) : lm;
                const auto r = generateSequences(m, ved.decoderPrompt({}), fixedLength(n, dc.eosTokenId), cb);
                const auto& seq = r.sequences.front().tokens;
                if (rec && int64_t(rec->traces(seq, r.promptLength).size()) != n) return int64_t(-1);
                return shortestRow(r, 1);
            };
        });
    v["traced"]["note"] = "CrossAttentionRecorder, top 5: every step's cross-attentions and distribution";

    // --- BLIP base captioning ---
    const TempDir blipDir{fs::temp_directory_path() / ("loupe-bench-blip-" + std::to_string(getpid()))};
    t0 = Clock::now();
    writeRandomBlip(blipDir.path, bc);
    const double writeMs = msSince(t0);
    t0 = Clock::now();
    const auto blip = BlipForConditionalGeneration::fromCheckpoint(Checkpoint::open(blipDir.path, o.engine));
    json& b = j["blip_base"] = {{"parameters", blip.parameterCount()},
                                {"image_size", bc.vision.imageSize},
                                {"checkpoint_write_ms", writeMs},
                                {"load_ms", msSince(t0)}};
    const Tensor blipPixels = RandomWeights{}.make({1, 3, bc.vision.imageSize, bc.vision.imageSize}, 2.0f);
    const generate::GenerationConfig blipCfg = blipDecodingConfig(bc.text, {});
    for (const bool traced : {false, true})
        b[traced ? "traced" : "plain"] = measure(runs, newTokens, [&](int64_t n) -> Decode {
            const Tensor embeds = blip.vision().forward(blipPixels).imageEmbeds;
            return [&, embeds, n, traced](const generate::GenerationCallbacks& cb) {
                BlipTextLanguageModel lm = blip.languageModel(embeds);
                // The recorder turns the step's cross-attention outputs on: traced runs only.
                std::unique_ptr<CrossAttentionRecorder> rec;
                if (traced) rec = recordBlipCrossAttention(lm, 5);
                generate::LanguageModel& m = rec ? static_cast<generate::LanguageModel&>(*rec) : lm;
                const auto r = generateSequences(m, blip.decoderPrompt({}),
                                                 fixedLength(n, blipCfg.eosTokenIds.front()), cb);
                const auto& seq = r.sequences.front().tokens;
                if (rec && int64_t(rec->traces(seq, r.promptLength).size()) != n) return int64_t(-1);
                return shortestRow(r, 1);
            };
        });
    b["traced"]["note"] = "recordBlipCrossAttention, top 5: every step's cross-attentions and distribution";

    if (!o.tokenizers.empty()) j["tokenizer"] = tokenizerBenchmark(o.tokenizers, o.quick ? 0.05 : 0.5);
    j["load_average_1min"] = loadAverage1();
    j["omp_wait_policy"] = ompWaitPolicy();
    return j;
}

} // namespace loupe::compute::bench
