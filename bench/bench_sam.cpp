// SPDX-License-Identifier: MIT
// Segment Anything speed on the CPU engine: random weights of SAM ViT-B's real shapes (facebook/sam-vit-base)
// written to a temporary checkpoint folder, then the image encoder (seconds per image) and the prompt
// encoder + mask decoder per click (milliseconds, one point, multimask) on the cached embedding. One JSON
// object, with the load average so numbers from a busy machine can be told apart.
//   loupe_bench_sam [--threads N] [--encoder-runs N] [--clicks N]
#include "compute/cpu_options.h"
#include "compute/io/checkpoint.h"
#include "compute/io/safetensors_writer.h"
#include "compute/models/sam.h"
#include "compute/threadpool.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <sys/resource.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace loupe::compute;

namespace {

// transformers' SamConfig defaults are SAM ViT-B's.
nlohmann::json samBaseConfig()
{
    return {{"architectures", {"SamModel"}},
            {"model_type", "sam"},
            {"vision_config", nlohmann::json::object()},
            {"prompt_encoder_config", nlohmann::json::object()},
            {"mask_decoder_config", nlohmann::json::object()}};
}

// Every tensor SamModel reads for `c`, with random values (LayerNorm weights near 1).
void writeRandomWeights(const SamConfig& c, const fs::path& file)
{
    SafetensorsWriter w;
    std::mt19937 rng(7);
    auto add = [&](const std::string& name, std::vector<int64_t> shape, float scale = 0.02f,
                   float mean = 0.f) {
        int64_t n = 1;
        for (int64_t s : shape)
            n *= s;
        std::normal_distribution<float> d(mean, scale);
        std::vector<float> v(static_cast<size_t>(n));
        for (float& x : v)
            x = d(rng);
        w.addF32(name, std::move(shape), v.data());
    };
    auto norm = [&](const std::string& p, int64_t n) {
        add(p + ".weight", {n}, 0.02f, 1.f);
        add(p + ".bias", {n});
    };
    auto linear = [&](const std::string& p, int64_t out, int64_t in) {
        add(p + ".weight", {out, in});
        add(p + ".bias", {out});
    };
    const auto& v = c.vision;
    const int64_t D = v.hiddenSize, g = v.grid(), C = v.outputChannels, hd = D / v.numAttentionHeads;
    add("vision_encoder.patch_embed.projection.weight", {D, v.numChannels, v.patchSize, v.patchSize});
    add("vision_encoder.patch_embed.projection.bias", {D});
    add("vision_encoder.pos_embed", {1, g, g, D});
    for (int64_t i = 0; i < v.numHiddenLayers; ++i) {
        const std::string l = "vision_encoder.layers." + std::to_string(i) + ".";
        const int64_t side = v.isGlobal(i) ? g : v.windowSize;
        norm(l + "layer_norm1", D);
        norm(l + "layer_norm2", D);
        linear(l + "attn.qkv", 3 * D, D);
        linear(l + "attn.proj", D, D);
        add(l + "attn.rel_pos_h", {2 * side - 1, hd});
        add(l + "attn.rel_pos_w", {2 * side - 1, hd});
        linear(l + "mlp.lin1", v.mlpDim, D);
        linear(l + "mlp.lin2", D, v.mlpDim);
    }
    add("vision_encoder.neck.conv1.weight", {C, D, 1, 1});
    add("vision_encoder.neck.conv2.weight", {C, C, 3, 3});
    norm("vision_encoder.neck.layer_norm1", C);
    norm("vision_encoder.neck.layer_norm2", C);

    const auto& p = c.prompt;
    const int64_t mc = p.maskInputChannels;
    add("shared_image_embedding.positional_embedding", {2, v.numPosFeats}, 1.f);
    add("prompt_encoder.not_a_point_embed.weight", {1, C});
    add("prompt_encoder.no_mask_embed.weight", {1, C});
    for (int64_t i = 0; i < p.numPointEmbeddings; ++i)
        add("prompt_encoder.point_embed." + std::to_string(i) + ".weight", {1, C});
    add("prompt_encoder.mask_embed.conv1.weight", {mc / 4, 1, 2, 2});
    add("prompt_encoder.mask_embed.conv1.bias", {mc / 4});
    add("prompt_encoder.mask_embed.conv2.weight", {mc, mc / 4, 2, 2});
    add("prompt_encoder.mask_embed.conv2.bias", {mc});
    add("prompt_encoder.mask_embed.conv3.weight", {C, mc, 1, 1});
    add("prompt_encoder.mask_embed.conv3.bias", {C});
    norm("prompt_encoder.mask_embed.layer_norm1", mc / 4);
    norm("prompt_encoder.mask_embed.layer_norm2", mc);

    const auto& d = c.decoder;
    const int64_t down = C / d.attentionDownsampleRate, masks = d.numMultimaskOutputs + 1;
    auto attention = [&](const std::string& a, int64_t internal) {
        linear(a + "q_proj", internal, C);
        linear(a + "k_proj", internal, C);
        linear(a + "v_proj", internal, C);
        linear(a + "out_proj", C, internal);
    };
    auto feedForward = [&](const std::string& f, int64_t hidden, int64_t out, int64_t layers) {
        linear(f + "proj_in", hidden, C);
        for (int64_t i = 0; i < layers - 2; ++i)
            linear(f + "layers." + std::to_string(i), hidden, hidden);
        linear(f + "proj_out", out, hidden);
    };
    const std::string m = "mask_decoder.";
    add(m + "iou_token.weight", {1, C});
    add(m + "mask_tokens.weight", {masks, C});
    for (int64_t i = 0; i < d.numHiddenLayers; ++i) {
        const std::string l = m + "transformer.layers." + std::to_string(i) + ".";
        attention(l + "self_attn.", C);
        attention(l + "cross_attn_token_to_image.", down);
        attention(l + "cross_attn_image_to_token.", down);
        for (int n = 1; n <= 4; ++n)
            norm(l + "layer_norm" + std::to_string(n), C);
        linear(l + "mlp.lin1", d.mlpDim, C);
        linear(l + "mlp.lin2", C, d.mlpDim);
    }
    attention(m + "transformer.final_attn_token_to_image.", down);
    norm(m + "transformer.layer_norm_final_attn", C);
    add(m + "upscale_conv1.weight", {C, C / 4, 2, 2});
    add(m + "upscale_conv1.bias", {C / 4});
    add(m + "upscale_conv2.weight", {C / 4, C / 8, 2, 2});
    add(m + "upscale_conv2.bias", {C / 8});
    norm(m + "upscale_layer_norm", C / 4);
    for (int64_t i = 0; i < masks; ++i)
        feedForward(m + "output_hypernetworks_mlps." + std::to_string(i) + ".", C, C / 8, 3);
    feedForward(m + "iou_prediction_head.", d.iouHeadHiddenDim, masks, d.iouHeadDepth);
    w.write(file);
}

double seconds(std::chrono::steady_clock::time_point since)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// Process CPU seconds (all threads): on a busy machine wall time says little, CPU time still does.
double cpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

std::vector<double> loadAverage()
{
    std::ifstream f("/proc/loadavg");
    double a = 0, b = 0, c = 0;
    f >> a >> b >> c;
    return {a, b, c};
}

} // namespace

int main(int argc, char** argv)
{
    int threads = 0, encoderRuns = 2, clicks = 20;
    for (int i = 1; i < argc; ++i) {
        const bool value = i + 1 < argc;
        if (!std::strcmp(argv[i], "--threads") && value)
            threads = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--encoder-runs") && value)
            encoderRuns = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--clicks") && value)
            clicks = std::max(1, std::atoi(argv[++i]));
        else {
            std::cerr << "usage: loupe_bench_sam [--threads N] [--encoder-runs N] [--clicks N]\n";
            return 2;
        }
    }
    const fs::path dir = fs::temp_directory_path() / ("loupe_bench_sam_" + std::to_string(::getpid()));
    try {
        if (threads > 0) setThreadCount(threads);
        fs::create_directories(dir);
        const nlohmann::json config = samBaseConfig();
        std::ofstream(dir / "config.json") << config.dump(2);
        const SamConfig cfg = SamConfig::fromJson(config, "config.json");
        writeRandomWeights(cfg, dir / "model.safetensors");

        auto t0 = std::chrono::steady_clock::now();
        const SamModel model = SamModel::fromCheckpoint(Checkpoint::open(dir));
        const double loadS = seconds(t0);

        const int64_t S = cfg.vision.imageSize;
        std::vector<float> px(size_t(3 * S * S));
        std::mt19937 rng(3);
        std::normal_distribution<float> n01;
        for (float& x : px)
            x = n01(rng);
        const Tensor pixels = Tensor::fromF32({1, 3, S, S}, px);
        Tensor embedding = model.embed(pixels); // warm-up: first-touch memory, oneDNN primitives
        std::vector<double> enc, encCpu;
        for (int r = 0; r < encoderRuns; ++r) {
            t0 = std::chrono::steady_clock::now();
            const double c0 = cpuSeconds();
            embedding = model.embed(pixels);
            enc.push_back(seconds(t0));
            encCpu.push_back(cpuSeconds() - c0);
        }

        std::uniform_real_distribution<double> where(0.0, double(S));
        std::vector<double> dec, decBox;
        const double decCpu0 = cpuSeconds();
        for (int r = 0; r < clicks + 2; ++r) {
            sam::Prompt p;
            p.points = {{where(rng), where(rng)}};
            p.labels = {1};
            t0 = std::chrono::steady_clock::now();
            model.decode(embedding, p, true);
            if (r >= 2) dec.push_back(seconds(t0) * 1e3); // the first clicks warm the caches
            sam::Prompt b;
            const double x0 = where(rng) / 2, y0 = where(rng) / 2;
            b.box = std::array<double, 4>{x0, y0, x0 + S / 4.0, y0 + S / 4.0};
            t0 = std::chrono::steady_clock::now();
            model.decode(embedding, b, true);
            if (r >= 2) decBox.push_back(seconds(t0) * 1e3);
        }
        const double decCpuMs = (cpuSeconds() - decCpu0) * 1e3 / double(2 * (clicks + 2));
        nlohmann::json out;
        out["model"] = "SAM ViT-B shapes (facebook/sam-vit-base), random weights, f32";
        out["threads"] = threadCount();
        out["gemm"] = gemmKernelName();
        out["parameters"] = model.parameterCount();
        out["load_s"] = loadS;
        out["encoder_s"] = {{"median", median(enc)},
                            {"min", *std::min_element(enc.begin(), enc.end())},
                            {"runs", enc},
                            {"cpu_s", encCpu}};
        out["decoder_ms_per_click"] = {{"point_median", median(dec)},
                                       {"point_min", *std::min_element(dec.begin(), dec.end())},
                                       {"box_median", median(decBox)},
                                       {"cpu_ms_mean", decCpuMs},
                                       {"clicks", clicks}};
        out["bars"] = {{"encoder_s", 0.9 * 3.72}, {"decoder_ms", 20.0}};
        out["load_average"] = loadAverage();
        std::cout << out.dump(2) << std::endl;
    } catch (const std::exception& e) {
        std::cerr << "loupe_bench_sam: " << e.what() << "\n";
        fs::remove_all(dir);
        return 1;
    }
    fs::remove_all(dir);
    return 0;
}
