// SPDX-License-Identifier: MIT
// Decoding and captioning on Loupe's CPU engine, random weights of the real shapes, f32. Prints one JSON
// object with:
//   gpt2_decode: GPT-2 small tokens/s at batch 1 (greedy) and batch 8 (eight sampled rows of one prompt);
//   vit_gpt2:    ViT-B/16 224 + GPT-2 small with cross-attention, time to first token (image encoding
//                included) and decode tokens/s, plain and with CrossAttentionRecorder's step traces;
//   blip_base:   BlipForConditionalGeneration base (vision 768 x 12 at 384, text 768 x 12, vocabulary
//                30524) loaded from a checkpoint written to a temporary folder (BLIP loads from
//                checkpoints only), the same figures, plain and with per-step cross-attentions copied out;
//   tokenizer:   encode and decode MB/s of the golden GPT-2 and BERT tokenizers (loupe_bench_tokenizer
//                has the full table).
// EOS is suppressed so every run decodes the full count; run 0 of each model warms up (graph caches,
// oneDNN primitives, page faults) with 4 tokens and is not reported. loupe_bench_generate details GPT-2
// batch 1 (prefill, per-step times).
//   loupe_bench_caption [--threads N] [--new-tokens N] [--runs N] [--quick]
#include "compute/generate/generate.h"
#include "compute/io/checkpoint.h"
#include "compute/io/safetensors_writer.h"
#include "compute/models/blip.h"
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
    return v.empty() ? 0 : v[v.size() / 2];
}

// Deterministic values with roughly the spread of trained weights (speed only), as loupe_bench_generate.
struct Random
{
    uint64_t state = 0x9E3779B97F4A7C15ull;
    std::vector<float> values(int64_t n, float scale)
    {
        std::vector<float> out(static_cast<size_t>(n));
        for (float& v : out) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            v = scale * (float(state >> 40) / float(1 << 24) - 0.5f);
        }
        return out;
    }
    Tensor tensor(Shape shape, float scale)
    {
        return Tensor::fromF32(shape, values(shapeNumel(shape), scale));
    }
};

// GPT2LMHeadModel tensors, with the cross-attention of a VisionEncoderDecoderModel's decoder if asked.
Gpt2Model randomGpt2(const Gpt2Config& c, Random& r)
{
    const int64_t D = c.nEmbd, I = c.innerSize();
    std::map<std::string, Tensor> w;
    w["transformer.wte.weight"] = r.tensor({c.vocabSize, D}, 0.1f);
    w["transformer.wpe.weight"] = r.tensor({c.nPositions, D}, 0.02f);
    auto linear = [&](const std::string& stem, int64_t in, int64_t out) { // Conv1D: [in, out]
        w[stem + ".weight"] = r.tensor({in, out}, 0.07f);
        w[stem + ".bias"] = r.tensor({out}, 0.02f);
    };
    auto norm = [&](const std::string& stem) {
        w[stem + ".weight"] = r.tensor({D}, 0.2f);
        w[stem + ".bias"] = r.tensor({D}, 0.2f);
    };
    for (int64_t i = 0; i < c.nLayer; ++i) {
        const std::string l = "transformer.h." + std::to_string(i) + ".";
        norm(l + "ln_1");
        norm(l + "ln_2");
        linear(l + "attn.c_attn", D, 3 * D);
        linear(l + "attn.c_proj", D, D);
        linear(l + "mlp.c_fc", D, I);
        linear(l + "mlp.c_proj", I, D);
        if (c.addCrossAttention) {
            norm(l + "ln_cross_attn");
            linear(l + "crossattention.q_attn", D, D);
            linear(l + "crossattention.c_attn", D, 2 * D);
            linear(l + "crossattention.c_proj", D, D);
        }
    }
    norm("transformer.ln_f");
    return Gpt2Model::fromTensors(c, std::move(w), "random GPT-2");
}

VitModel randomVit(const ViTConfig& c, Random& r)
{
    const int64_t D = c.hiddenSize, I = c.intermediateSize, P = c.patchSize;
    std::map<std::string, Tensor> w;
    auto linear = [&](const std::string& stem, int64_t in, int64_t out) { // nn.Linear: [out, in]
        w[stem + ".weight"] = r.tensor({out, in}, 0.07f);
        w[stem + ".bias"] = r.tensor({out}, 0.02f);
    };
    auto norm = [&](const std::string& stem) {
        w[stem + ".weight"] = r.tensor({D}, 0.2f);
        w[stem + ".bias"] = r.tensor({D}, 0.2f);
    };
    w["embeddings.cls_token"] = r.tensor({1, 1, D}, 0.02f);
    w["embeddings.position_embeddings"] = r.tensor({1, c.numPatches() + 1, D}, 0.02f);
    w["embeddings.patch_embeddings.projection.weight"] = r.tensor({D, c.numChannels, P, P}, 0.05f);
    w["embeddings.patch_embeddings.projection.bias"] = r.tensor({D}, 0.02f);
    for (int64_t i = 0; i < c.numHiddenLayers; ++i) {
        const std::string l = "encoder.layer." + std::to_string(i) + ".";
        norm(l + "layernorm_before");
        norm(l + "layernorm_after");
        for (const char* n : {"query", "key", "value"})
            linear(l + "attention.attention." + n, D, D);
        linear(l + "attention.output.dense", D, D);
        linear(l + "intermediate.dense", D, I);
        linear(l + "output.dense", I, D);
    }
    norm("layernorm");
    return VitModel::fromTensors(c, VitModel::Arch::ViTModel, std::move(w), "random ViT");
}

// A BlipForConditionalGeneration checkpoint folder (config.json + model.safetensors) with the
// transformers tensor names the loader takes.
void writeRandomBlip(const fs::path& dir, const BlipConfig& c, Random& r)
{
    SafetensorsWriter out;
    auto add = [&](const std::string& name, const Shape& shape, float scale) {
        out.addF32(name, shape, r.values(shapeNumel(shape), scale).data());
    };
    auto linear = [&](const std::string& stem, int64_t in, int64_t out) {
        add(stem + ".weight", {out, in}, 0.07f);
        add(stem + ".bias", {out}, 0.02f);
    };
    auto norm = [&](const std::string& stem, int64_t D) {
        add(stem + ".weight", {D}, 0.2f);
        add(stem + ".bias", {D}, 0.2f);
    };
    const BlipVisionConfig& v = c.vision;
    const int64_t Dv = v.hiddenSize, Iv = v.intermediateSize, P = v.patchSize;
    add("vision_model.embeddings.class_embedding", {1, 1, Dv}, 0.02f);
    add("vision_model.embeddings.patch_embedding.weight", {Dv, 3, P, P}, 0.05f);
    add("vision_model.embeddings.patch_embedding.bias", {Dv}, 0.02f);
    add("vision_model.embeddings.position_embedding", {1, v.numPositions(), Dv}, 0.02f);
    for (int64_t i = 0; i < v.numHiddenLayers; ++i) {
        const std::string l = "vision_model.encoder.layers." + std::to_string(i) + ".";
        norm(l + "layer_norm1", Dv);
        norm(l + "layer_norm2", Dv);
        linear(l + "self_attn.qkv", Dv, 3 * Dv);
        linear(l + "self_attn.projection", Dv, Dv);
        linear(l + "mlp.fc1", Dv, Iv);
        linear(l + "mlp.fc2", Iv, Dv);
    }
    norm("vision_model.post_layernorm", Dv);
    const BlipTextConfig& t = c.text;
    const int64_t D = t.hiddenSize, De = t.encoderHiddenSize, I = t.intermediateSize;
    const std::string b = "text_decoder.bert.";
    add(b + "embeddings.word_embeddings.weight", {t.vocabSize, D}, 0.1f);
    add(b + "embeddings.position_embeddings.weight", {t.maxPositionEmbeddings, D}, 0.02f);
    norm(b + "embeddings.LayerNorm", D);
    for (int64_t i = 0; i < t.numHiddenLayers; ++i) {
        const std::string l = b + "encoder.layer." + std::to_string(i) + ".";
        for (const char* n : {"self.query", "self.key", "self.value", "output.dense"})
            linear(l + "attention." + n, D, D);
        norm(l + "attention.output.LayerNorm", D);
        linear(l + "crossattention.self.query", D, D);
        linear(l + "crossattention.self.key", De, D);
        linear(l + "crossattention.self.value", De, D);
        linear(l + "crossattention.output.dense", D, D);
        norm(l + "crossattention.output.LayerNorm", D);
        linear(l + "intermediate.dense", D, I);
        linear(l + "output.dense", I, D);
        norm(l + "output.LayerNorm", D);
    }
    linear("text_decoder.cls.predictions.transform.dense", D, D);
    norm("text_decoder.cls.predictions.transform.LayerNorm", D);
    add("text_decoder.cls.predictions.bias", {t.vocabSize}, 0.02f); // decoder weight tied to the embeddings
    fs::create_directories(dir);
    out.write(dir / "model.safetensors");
    json cfg{{"architectures", {"BlipForConditionalGeneration"}},
             {"model_type", "blip"},
             {"text_config",
              {{"vocab_size", t.vocabSize},
               {"hidden_size", D},
               {"encoder_hidden_size", De},
               {"intermediate_size", I},
               {"num_hidden_layers", t.numHiddenLayers},
               {"num_attention_heads", t.numAttentionHeads},
               {"max_position_embeddings", t.maxPositionEmbeddings},
               {"bos_token_id", t.bosTokenId},
               {"sep_token_id", t.sepTokenId}}},
             {"vision_config",
              {{"hidden_size", Dv},
               {"intermediate_size", Iv},
               {"num_hidden_layers", v.numHiddenLayers},
               {"num_attention_heads", v.numAttentionHeads},
               {"image_size", v.imageSize},
               {"patch_size", P}}}};
    std::ofstream(dir / "config.json") << cfg.dump(2);
}

// One decoding run: `encode` (image encoding, or nothing) then `decode` (the decoding loop, its onToken
// given). Time to first token covers both; tokens/s counts the steps after the first token.
struct RunTimes
{
    double encodeMs = 0, firstTokenMs = 0, tokensPerS = 0;
};
using Decode = std::function<int64_t(const generate::GenerationCallbacks&)>; // returns tokens decoded

RunTimes timeRun(int64_t expected, const std::function<Decode()>& encode)
{
    std::vector<Clock::time_point> stamps;
    generate::GenerationCallbacks cb;
    cb.onToken = [&](int64_t) { stamps.push_back(Clock::now()); };
    const auto t0 = Clock::now();
    const Decode decode = encode();
    RunTimes t;
    t.encodeMs = msSince(t0);
    const int64_t got = decode(cb);
    if (got != expected || stamps.size() != size_t(expected))
        throw std::runtime_error("decoded " + std::to_string(got) + " tokens, expected " +
                                 std::to_string(expected));
    t.firstTokenMs = std::chrono::duration<double, std::milli>(stamps.front() - t0).count();
    const double decodeS = std::chrono::duration<double>(stamps.back() - stamps.front()).count();
    t.tokensPerS = expected > 1 ? double(expected - 1) / decodeS : 0;
    return t;
}

// Warm-up with 4 tokens, then `runs` runs of `newTokens`; medians and the best tokens/s.
json measure(int runs, int64_t newTokens, const std::function<RunTimes(int64_t)>& run)
{
    run(std::min<int64_t>(4, newTokens));
    std::vector<double> enc, first, tps;
    for (int i = 0; i < runs; ++i) {
        const RunTimes t = run(newTokens);
        enc.push_back(t.encodeMs);
        first.push_back(t.firstTokenMs);
        tps.push_back(t.tokensPerS);
    }
    return {{"encode_ms_median", median(enc)},
            {"time_to_first_token_ms_median", median(first)},
            {"decode_tokens_per_s_median", median(tps)},
            {"decode_tokens_per_s_best", *std::max_element(tps.begin(), tps.end())}};
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
    int threads = 2, runs = 2;
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
    Random rnd;
    json j{{"benchmark", "caption"}, {"dtype", "f32"},          {"threads", threadCount()},
           {"quick", quick},         {"new_tokens", newTokens}, {"runs", runs}};
    const fs::path blipDir = fs::temp_directory_path() / ("loupe-bench-blip-" + std::to_string(getpid()));
    try {
        // GPT-2 small, or a 2-layer 64-wide stand-in for a smoke test.
        Gpt2Config gc;
        ViTConfig vc;
        BlipConfig bc;
        if (quick) {
            gc.vocabSize = 1000, gc.nPositions = 256, gc.nEmbd = 64, gc.nLayer = 2, gc.nHead = 4;
            gc.bosTokenId = gc.eosTokenId = 999;
            vc.hiddenSize = 64, vc.numHiddenLayers = 2, vc.numAttentionHeads = 4, vc.intermediateSize = 256;
            vc.imageSize = 64;
            bc.vision.hiddenSize = 64, bc.vision.intermediateSize = 256, bc.vision.numHiddenLayers = 2;
            bc.vision.numAttentionHeads = 4, bc.vision.imageSize = 64;
            bc.text.vocabSize = 1000, bc.text.hiddenSize = bc.text.encoderHiddenSize = 64;
            bc.text.intermediateSize = 256, bc.text.numHiddenLayers = 2, bc.text.numAttentionHeads = 4;
            bc.text.maxPositionEmbeddings = 128, bc.text.bosTokenId = 998;
        }
        const std::vector<int64_t> prompt{464, 2068, 7586, 21831, 18045, 625, 262, 16931};
        std::vector<int64_t> gptPrompt;
        for (int64_t id : prompt)
            gptPrompt.push_back(id % gc.vocabSize);

        // --- GPT-2 decoding, batch 1 and 8 ---
        auto t0 = Clock::now();
        const Gpt2Model gpt2 = randomGpt2(gc, rnd);
        json& g = j["gpt2_decode"] = {{"parameters", gpt2.parameterCount()}, {"build_ms", msSince(t0)}};
        g["batch1"] = measure(runs, newTokens, [&](int64_t n) {
            return timeRun(n, [&]() -> Decode {
                return [&, n](const generate::GenerationCallbacks& cb) {
                    Gpt2LanguageModel lm(gpt2);
                    return int64_t(generateSequences(lm, gptPrompt, fixedLength(n, gc.eosTokenId), cb)
                                       .sequences.front()
                                       .tokens.size() -
                                   gptPrompt.size());
                };
            });
        });
        // The loop decodes several rows only for beams or num_return_sequences: generateSequences takes a
        // single prompt. Eight sampled rows of one prompt is the batch-8 step it can run.
        g["batch8"] = measure(runs, newTokens, [&](int64_t n) {
            return timeRun(n, [&]() -> Decode {
                return [&, n](const generate::GenerationCallbacks& cb) {
                    Gpt2LanguageModel lm(gpt2);
                    generate::GenerationConfig c = fixedLength(n, gc.eosTokenId);
                    c.doSample = true;
                    c.numReturnSequences = 8;
                    const auto r = generateSequences(lm, gptPrompt, c, cb);
                    return r.sequences.size() == 8
                               ? int64_t(r.sequences.back().tokens.size() - gptPrompt.size())
                               : int64_t(-1);
                };
            });
        });
        g["batch8"]["rows"] = 8;
        g["batch8"]["note"] = "8 sampled rows (num_return_sequences=8, top_k 50) of one prompt; tokens/s "
                              "counts steps, multiply by 8 for tokens of all rows. 8 different prompts in "
                              "one batch: not supported (generateSequences takes a single prompt)";

        // --- ViT-GPT2 captioning ---
        t0 = Clock::now();
        Gpt2Config dc = gc;
        dc.addCrossAttention = true;
        dc.nEmbd = vc.hiddenSize;
        const VisionEncoderDecoderModel ved = VisionEncoderDecoderModel::fromModels(
            randomVit(vc, rnd), randomGpt2(dc, rnd), dc.bosTokenId, "random");
        json& v =
            j["vit_gpt2"] = {{"parameters", ved.encoder().parameterCount() + ved.decoder().parameterCount()},
                             {"image_size", vc.imageSize},
                             {"build_ms", msSince(t0)}};
        const Tensor vitPixels = rnd.tensor({1, 3, vc.imageSize, vc.imageSize}, 2.0f);
        for (const bool traced : {false, true})
            v[traced ? "traced" : "plain"] = measure(runs, newTokens, [&](int64_t n) {
                return timeRun(n, [&]() -> Decode {
                    const Tensor states = ved.encode(vitPixels);
                    return [&, states, n, traced](const generate::GenerationCallbacks& cb) {
                        Gpt2LanguageModel lm = ved.languageModel(states);
                        // The recorder turns the step's cross-attention outputs on: build it for traced runs
                        // only.
                        std::optional<CrossAttentionRecorder> rec;
                        if (traced) rec.emplace(lm, 5);
                        generate::LanguageModel& m = rec ? static_cast<generate::LanguageModel&>(*rec) : lm;
                        const auto r =
                            generateSequences(m, ved.decoderPrompt({}), fixedLength(n, dc.eosTokenId), cb);
                        const auto& seq = r.sequences.front().tokens;
                        if (rec && int64_t(rec->traces(seq, r.promptLength).size()) != n) return int64_t(-1);
                        return int64_t(seq.size()) - r.promptLength;
                    };
                });
            });
        v["traced"]["note"] = "CrossAttentionRecorder, top 5: every step's cross-attentions and distribution";

        // --- BLIP base captioning ---
        t0 = Clock::now();
        writeRandomBlip(blipDir, bc, rnd);
        const double writeMs = msSince(t0);
        t0 = Clock::now();
        const auto blip = BlipForConditionalGeneration::fromCheckpoint(Checkpoint::open(blipDir));
        json& b = j["blip_base"] = {{"parameters", blip.parameterCount()},
                                    {"image_size", bc.vision.imageSize},
                                    {"checkpoint_write_ms", writeMs},
                                    {"load_ms", msSince(t0)}};
        const Tensor blipPixels = rnd.tensor({1, 3, bc.vision.imageSize, bc.vision.imageSize}, 2.0f);
        for (const bool traced : {false, true})
            b[traced ? "traced" : "plain"] = measure(runs, newTokens, [&](int64_t n) {
                return timeRun(n, [&]() -> Decode {
                    const Tensor embeds = blip.vision().forward(blipPixels).imageEmbeds;
                    return [&, embeds, n, traced](const generate::GenerationCallbacks& inner) {
                        BlipTextLanguageModel lm = blip.languageModel(embeds);
                        lm.stepOptions.crossAttentions = traced;
                        std::vector<std::vector<float>> kept; // what a trace keeps: each layer's maps
                        generate::GenerationCallbacks cb = inner;
                        cb.onToken = [&](int64_t id) {
                            for (const Tensor& t : lm.lastOutput().crossAttentions) {
                                const Tensor c = t.contiguous();
                                kept.emplace_back(c.ptr<float>(), c.ptr<float>() + c.numel());
                            }
                            inner.onToken(id);
                        };
                        const auto r = generateSequences(
                            lm, blip.decoderPrompt({}),
                            blipDecodingConfig(bc.text, fixedLength(n, bc.text.sepTokenId)), cb);
                        if (traced && int64_t(kept.size()) != n * bc.text.numHiddenLayers) return int64_t(-1);
                        return int64_t(r.sequences.front().tokens.size()) - r.promptLength;
                    };
                });
            });
        b["traced"]["note"] = "step cross-attentions on, copied out at every token (no BLIP recorder exists: "
                              "CrossAttentionRecorder wraps GPT-2 decoders only)";
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
