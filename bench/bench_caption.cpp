// SPDX-License-Identifier: MIT
// Decoding and captioning speed on the CPU engine, random weights of the real shapes, f32, one JSON object:
// GPT-2 small decoding at batch 1 and 8; ViT-B/16 224 + GPT-2 small (ViT-GPT2) and BLIP base captions,
// time to first token (image encoding included) and tokens/s, without and with step traces (cross-attention
// recording); tokenizer MB/s. EOS is suppressed so every run decodes the full count; run 0 of each case
// warms up (graph caches, oneDNN primitives, page faults) with 4 tokens. loupe_bench_generate details GPT-2
// batch 1, loupe_bench_tokenizer the tokenizers.
//   loupe_bench_caption [--threads N] [--new-tokens N] [--runs N] [--quick]
#include "compute/generate/generate.h"
#include "compute/io/checkpoint.h"
#include "compute/io/safetensors_writer.h"
#include "compute/models/blip.h"
#include "compute/models/blip_caption_trace.h"
#include "compute/models/gpt2.h"
#include "compute/models/gpt2_language_model.h"
#include "compute/models/vision_encoder_decoder.h"
#include "compute/models/vision_encoder_decoder_trace.h"
#include "compute/models/vit.h"
#include "compute/text/tokenizer.h"
#include "compute/threadpool.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <unistd.h>

using namespace loupe::compute;
using Clock = std::chrono::steady_clock;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

double msSince(Clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const size_t h = v.size() / 2;
    return v.empty() ? 0 : v.size() % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}

// Tensors named as in a transformers checkpoint, deterministic values with roughly the spread of trained
// weights (speed only), as loupe_bench_generate makes them.
struct RandomWeights
{
    uint64_t state = 0x9E3779B97F4A7C15ull;
    std::map<std::string, Tensor> w;

    Tensor make(Shape shape, float scale)
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
    void add(const std::string& name, Shape shape, float scale) { w[name] = make(std::move(shape), scale); }
    // nn.Linear weights are [out, in]; GPT-2's Conv1D ones [in, out].
    void linear(const std::string& stem, int64_t in, int64_t out, bool conv1d = false)
    {
        add(stem + ".weight", conv1d ? Shape{in, out} : Shape{out, in}, 0.07f);
        add(stem + ".bias", {out}, 0.02f);
    }
    void norm(const std::string& stem, int64_t d)
    {
        add(stem + ".weight", {d}, 0.2f);
        add(stem + ".bias", {d}, 0.2f);
    }
};

// GPT2LMHeadModel, with the cross-attention of a VisionEncoderDecoderModel's decoder if the config has it.
Gpt2Model randomGpt2(const Gpt2Config& c)
{
    const int64_t D = c.nEmbd, I = c.innerSize();
    RandomWeights r;
    r.add("transformer.wte.weight", {c.vocabSize, D}, 0.1f);
    r.add("transformer.wpe.weight", {c.nPositions, D}, 0.02f);
    for (int64_t i = 0; i < c.nLayer; ++i) {
        const std::string l = "transformer.h." + std::to_string(i) + ".";
        r.norm(l + "ln_1", D);
        r.norm(l + "ln_2", D);
        r.linear(l + "attn.c_attn", D, 3 * D, true);
        r.linear(l + "attn.c_proj", D, D, true);
        r.linear(l + "mlp.c_fc", D, I, true);
        r.linear(l + "mlp.c_proj", I, D, true);
        if (!c.addCrossAttention) continue;
        r.norm(l + "ln_cross_attn", D);
        r.linear(l + "crossattention.q_attn", D, D, true);
        r.linear(l + "crossattention.c_attn", D, 2 * D, true);
        r.linear(l + "crossattention.c_proj", D, D, true);
    }
    r.norm("transformer.ln_f", D);
    return Gpt2Model::fromTensors(c, std::move(r.w), "random GPT-2");
}

VitModel randomVit(const ViTConfig& c)
{
    const int64_t D = c.hiddenSize, I = c.intermediateSize, P = c.patchSize;
    RandomWeights r;
    r.add("embeddings.cls_token", {1, 1, D}, 0.02f);
    r.add("embeddings.position_embeddings", {1, c.numPatches() + 1, D}, 0.02f);
    r.add("embeddings.patch_embeddings.projection.weight", {D, c.numChannels, P, P}, 0.05f);
    r.add("embeddings.patch_embeddings.projection.bias", {D}, 0.02f);
    for (int64_t i = 0; i < c.numHiddenLayers; ++i) {
        const std::string l = "encoder.layer." + std::to_string(i) + ".";
        r.norm(l + "layernorm_before", D);
        r.norm(l + "layernorm_after", D);
        for (const char* n : {"query", "key", "value"})
            r.linear(l + "attention.attention." + n, D, D);
        r.linear(l + "attention.output.dense", D, D);
        r.linear(l + "intermediate.dense", D, I);
        r.linear(l + "output.dense", I, D);
    }
    r.norm("layernorm", D);
    return VitModel::fromTensors(c, VitModel::Arch::ViTModel, std::move(r.w), "random ViT");
}

// A BlipForConditionalGeneration folder (config.json, model.safetensors) with the names the loader takes.
void writeRandomBlip(const fs::path& dir, const BlipConfig& c)
{
    const BlipVisionConfig& v = c.vision;
    const int64_t Dv = v.hiddenSize, Iv = v.intermediateSize, P = v.patchSize;
    RandomWeights r;
    r.add("vision_model.embeddings.class_embedding", {1, 1, Dv}, 0.02f);
    r.add("vision_model.embeddings.patch_embedding.weight", {Dv, 3, P, P}, 0.05f);
    r.add("vision_model.embeddings.patch_embedding.bias", {Dv}, 0.02f);
    r.add("vision_model.embeddings.position_embedding", {1, v.numPositions(), Dv}, 0.02f);
    for (int64_t i = 0; i < v.numHiddenLayers; ++i) {
        const std::string l = "vision_model.encoder.layers." + std::to_string(i) + ".";
        r.norm(l + "layer_norm1", Dv);
        r.norm(l + "layer_norm2", Dv);
        r.linear(l + "self_attn.qkv", Dv, 3 * Dv);
        r.linear(l + "self_attn.projection", Dv, Dv);
        r.linear(l + "mlp.fc1", Dv, Iv);
        r.linear(l + "mlp.fc2", Iv, Dv);
    }
    r.norm("vision_model.post_layernorm", Dv);
    const BlipTextConfig& t = c.text;
    const int64_t D = t.hiddenSize, De = t.encoderHiddenSize, I = t.intermediateSize;
    const std::string b = "text_decoder.bert.";
    r.add(b + "embeddings.word_embeddings.weight", {t.vocabSize, D}, 0.1f);
    r.add(b + "embeddings.position_embeddings.weight", {t.maxPositionEmbeddings, D}, 0.02f);
    r.norm(b + "embeddings.LayerNorm", D);
    for (int64_t i = 0; i < t.numHiddenLayers; ++i) {
        const std::string l = b + "encoder.layer." + std::to_string(i) + ".";
        for (const char* n : {"self.query", "self.key", "self.value", "output.dense"})
            r.linear(l + "attention." + n, D, D);
        r.norm(l + "attention.output.LayerNorm", D);
        r.linear(l + "crossattention.self.query", D, D);
        r.linear(l + "crossattention.self.key", De, D);
        r.linear(l + "crossattention.self.value", De, D);
        r.linear(l + "crossattention.output.dense", D, D);
        r.norm(l + "crossattention.output.LayerNorm", D);
        r.linear(l + "intermediate.dense", D, I);
        r.linear(l + "output.dense", I, D);
        r.norm(l + "output.LayerNorm", D);
    }
    r.linear("text_decoder.cls.predictions.transform.dense", D, D);
    r.norm("text_decoder.cls.predictions.transform.LayerNorm", D);
    r.add("text_decoder.cls.predictions.bias", {t.vocabSize}, 0.02f); // decoder weight tied to the embeddings
    SafetensorsWriter out;
    for (auto it = r.w.begin(); it != r.w.end(); it = r.w.erase(it)) // one copy at a time
        out.addF32(it->first, it->second.shape(), it->second.ptr<float>());
    fs::create_directories(dir);
    out.write(dir / "model.safetensors");
    const json text{{"vocab_size", t.vocabSize},
                    {"hidden_size", D},
                    {"encoder_hidden_size", De},
                    {"intermediate_size", I},
                    {"num_hidden_layers", t.numHiddenLayers},
                    {"num_attention_heads", t.numAttentionHeads},
                    {"max_position_embeddings", t.maxPositionEmbeddings},
                    {"bos_token_id", t.bosTokenId}};
    const json vision{{"hidden_size", Dv},
                      {"intermediate_size", Iv},
                      {"num_hidden_layers", v.numHiddenLayers},
                      {"num_attention_heads", v.numAttentionHeads},
                      {"image_size", v.imageSize},
                      {"patch_size", P}};
    std::ofstream(dir / "config.json") << json{
        {"architectures", {"BlipForConditionalGeneration"}},
        {"model_type", "blip"},
        {"text_config", text},
        {"vision_config", vision}}.dump(2);
}

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
            throw std::runtime_error("decoded " + std::to_string(got) + " tokens, expected " +
                                     std::to_string(n));
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

json tokenizerSpeed(double megabytes)
{
    const fs::path dir = fs::path(__FILE__).parent_path() / ".." / "tests" / "data" / "golden" / "tokenizers";
    std::string text;
    for (size_t i = 0; text.size() < size_t(megabytes * 1024 * 1024); ++i)
        text += i % 2 ? "A photographer walked in the garden near the red bus, and two horses stood by it. "
                      : "What is in the picture? A cat sits on a blue car parked in the street. ";
    json out = json::array();
    for (const char* kind : {"gpt2", "bert"}) {
        const auto tok = text::loadTokenizer(dir / kind);
        std::vector<std::vector<int64_t>> lines;
        auto t0 = Clock::now();
        for (size_t pos = 0; pos < text.size(); pos += 100) // caption-sized lines
            lines.push_back(tok->encode(std::string_view(text).substr(pos, 100)).ids);
        const double encodeS = msSince(t0) / 1000;
        t0 = Clock::now();
        size_t decoded = 0;
        for (const auto& ids : lines)
            decoded += tok->decode(ids, true).size();
        const double decodeS = msSince(t0) / 1000, mb = double(text.size()) / (1024.0 * 1024.0);
        out.push_back({{"tokenizer", kind},
                       {"vocab_size", tok->vocabSize()},
                       {"megabytes", mb},
                       {"encode_mb_per_s", mb / encodeS},
                       {"decode_mb_per_s", double(decoded) / (1024.0 * 1024.0) / decodeS}});
    }
    return out;
}

} // namespace

int main(int argc, char** argv)
{
    int threads = 2, runs = 3;
    int64_t newTokens = -1;
    bool quick = false;
    for (int i = 1; i < argc; ++i) {
        const bool value = i + 1 < argc;
        if (!std::strcmp(argv[i], "--quick"))
            quick = true;
        else if (!std::strcmp(argv[i], "--threads") && value)
            threads = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--new-tokens") && value)
            newTokens = std::atoll(argv[++i]);
        else if (!std::strcmp(argv[i], "--runs") && value)
            runs = std::atoi(argv[++i]);
        else {
            std::cerr << "usage: loupe_bench_caption [--threads N] [--new-tokens N] [--runs N] [--quick]\n";
            return 2;
        }
    }
    if (newTokens < 0) newTokens = quick ? 16 : 128;
    if (newTokens < 2 || runs < 1) {
        std::cerr << "loupe_bench_caption: --new-tokens must be at least 2 and --runs at least 1\n";
        return 2;
    }
    setThreadCount(threads);
    // The library defaults are GPT-2 small, ViT-B/16 224 and BLIP base; --quick shrinks them to 2 layers
    // 64 wide for a smoke test.
    Gpt2Config gc;
    ViTConfig vc;
    BlipConfig bc;
    if (quick) {
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
           {"quick", quick},         {"new_tokens", newTokens}, {"runs", runs}};
    const fs::path blipDir = fs::temp_directory_path() / ("loupe-bench-blip-" + std::to_string(getpid()));
    try {
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
        // The loop runs several rows only for beams or num_return_sequences: generateSequences takes one
        // prompt. Eight sampled rows of one prompt is the batch-8 step it can run.
        g["batch8"] = measure(runs, newTokens, decodeRows(8), false);
        g["batch8"]["rows"] = 8;
        g["batch8"]["note"] = "8 sampled rows (num_return_sequences=8, top_k 50) of one prompt; tokens/s "
                              "counts steps, x8 for the tokens of all rows. 8 different prompts in one "
                              "batch: not supported (generateSequences takes a single prompt)";

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
                    const auto r =
                        generateSequences(m, ved.decoderPrompt({}), fixedLength(n, dc.eosTokenId), cb);
                    const auto& seq = r.sequences.front().tokens;
                    if (rec && int64_t(rec->traces(seq, r.promptLength).size()) != n) return int64_t(-1);
                    return shortestRow(r, 1);
                };
            });
        v["traced"]["note"] = "CrossAttentionRecorder, top 5: every step's cross-attentions and distribution";

        // --- BLIP base captioning ---
        t0 = Clock::now();
        writeRandomBlip(blipDir, bc);
        const double writeMs = msSince(t0);
        t0 = Clock::now();
        const auto blip = BlipForConditionalGeneration::fromCheckpoint(Checkpoint::open(blipDir));
        json& b = j["blip_base"] = {{"parameters", blip.parameterCount()},
                                    {"image_size", bc.vision.imageSize},
                                    {"checkpoint_write_ms", writeMs},
                                    {"load_ms", msSince(t0)}};
        const Tensor blipPixels =
            RandomWeights{}.make({1, 3, bc.vision.imageSize, bc.vision.imageSize}, 2.0f);
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
        b["traced"]["note"] =
            "recordBlipCrossAttention, top 5: every step's cross-attentions and distribution";
        fs::remove_all(blipDir);

        j["tokenizer"] = tokenizerSpeed(quick ? 0.05 : 1.0);
    } catch (const std::exception& e) {
        std::error_code ec;
        fs::remove_all(blipDir, ec);
        std::cerr << "loupe_bench_caption: " << e.what() << "\n";
        return 1;
    }
    double load1 = 0;
    std::ifstream("/proc/loadavg") >> load1;
    j["load_average_1min"] = load1;
    const char* wait = std::getenv("OMP_WAIT_POLICY");
    j["omp_wait_policy"] = wait ? wait : "default";
    std::cout << j.dump(2) << std::endl;
    return 0;
}
