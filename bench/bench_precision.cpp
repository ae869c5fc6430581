// SPDX-License-Identifier: MIT
// What reduced precision buys on the CPU engine, every precision in one run so that only same-run
// ratios are compared (these hosts vary by 1.5x from day to day): ViT-B/16 224 at batch 1 and 8, and
// GPT-2 small greedy decoding, each at f32, bf16 and int8 (per output channel; int8 per group with
// --group-size), with the ratio to f32's time. Random weights of the real shapes. With --sam DIR, the
// image encoder of that SAM checkpoint folder too (SAM ViT-B's random weights belong to loupe_bench_sam,
// which runs f32). One JSON object; bench/onnx/run_precision.sh adds ONNX Runtime's f32 time.
//   loupe_bench_precision [--threads N] [--runs N] [--batch8-runs N] [--decode-tokens N] [--decode-runs N]
//                         [--group-size G] [--sam DIR]
#include "compute/bench/decode_benchmark.h"
#include "compute/bench/random_weights.h"
#include "compute/cpu_options.h"
#include "compute/gemm/gemm.h"
#include "compute/gemm/loading_weight_format.h"
#include "compute/io/checkpoint.h"
#include "compute/models/sam.h"
#include "compute/models/vit.h"
#include "compute/threadpool.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <unistd.h>

using namespace loupe::compute;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

Tensor randomPixels(int64_t batch)
{
    std::mt19937 rng(99);
    std::normal_distribution<float> d(0, 1);
    Tensor t = Tensor::empty(DType::F32, {batch, 3, 224, 224});
    for (int64_t i = 0; i < t.numel(); ++i)
        t.ptr<float>()[i] = d(rng);
    return t;
}

struct Times
{
    double median = 0, min = 0;
};

// Median and best of `runs`: on a shared machine the best run is the one least disturbed by others.
Times timeForward(const VitModel& m, const Tensor& px, int runs)
{
    m.forward(px); // builds and plans the graph
    std::vector<double> ms;
    for (int r = 0; r < runs; ++r) {
        const auto t0 = Clock::now();
        m.forward(px);
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    return {median(ms), *std::min_element(ms.begin(), ms.end())};
}

double loadAverage()
{
    double l[1] = {0};
    return getloadavg(l, 1) == 1 ? l[0] : -1;
}

} // namespace

int main(int argc, char** argv)
{
    int threads = 2, runs = 20, runs8 = 4, decodeRuns = 2;
    int64_t decodeTokens = 64, groupSize = 0;
    std::string samDir;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        const int v = std::atoi(argv[i + 1]);
        if (a == "--threads")
            threads = v;
        else if (a == "--runs")
            runs = std::max(1, v);
        else if (a == "--batch8-runs")
            runs8 = std::max(1, v);
        else if (a == "--decode-tokens")
            decodeTokens = std::max(1, v);
        else if (a == "--decode-runs")
            decodeRuns = std::max(1, v);
        else if (a == "--group-size")
            groupSize = std::max(0, v);
        else if (a == "--sam")
            samDir = argv[i + 1];
        else {
            std::cerr << "loupe_bench_precision: unknown option " << a << "\n";
            return 2;
        }
    }
    if (threads > 0) setThreadCount(threads);
    const std::vector<WeightFormat> formats = {
        {Precision::F32}, {Precision::BF16}, {Precision::Int8, groupSize}};
    nlohmann::json out;
    out["benchmark"] = "precision";
    out["threads"] = threadCount();
    out["load_average_1min_start"] = loadAverage();

    const Tensor px1 = randomPixels(1), px8 = randomPixels(8);
    nlohmann::json vit = nlohmann::json::array();
    Times f32b1, f32b8;
    std::vector<float> f32Out;
    for (const WeightFormat& f : formats) {
        const WeightFormat eff = effectiveWeightFormat(f);
        VitModel m = [&] {
            const WeightFormatScope scope(eff);
            return bench::randomVit(ViTConfig{});
        }();
        const Times b1 = timeForward(m, px1, runs), b8 = timeForward(m, px8, runs8);
        const std::vector<float> o = m.forward(px1).lastHiddenState.toF32Vector();
        double diff = 0;
        if (f32Out.empty()) {
            f32Out = o;
            f32b1 = b1;
            f32b8 = b8;
        } else {
            for (size_t i = 0; i < o.size(); ++i)
                diff = std::max(diff, double(std::fabs(o[i] - f32Out[i])));
        }
        vit.push_back({{"precision", std::string(precisionName(eff.precision))},
                       {"group_size", eff.groupSize},
                       {"weight_bytes", m.weightBytes()},
                       {"batch1_ms_median", b1.median},
                       {"batch1_ms_min", b1.min},
                       {"batch8_ms_median", b8.median},
                       {"batch8_ms_min", b8.min},
                       {"batch8_images_per_s", 8000.0 / b8.median},
                       {"batch1_speedup_vs_f32", f32b1.median / b1.median},
                       {"batch1_speedup_vs_f32_best_runs", f32b1.min / b1.min},
                       {"batch8_speedup_vs_f32", f32b8.median / b8.median},
                       {"batch8_speedup_vs_f32_best_runs", f32b8.min / b8.min},
                       {"max_abs_last_hidden_diff_vs_f32", diff}});
    }
    out["vit_b16_224"] = vit;

    // GPT-2 small through a checkpoint folder, so each precision takes the load path users take.
    const fs::path dir = fs::temp_directory_path() / ("loupe_bench_precision_" + std::to_string(getpid()));
    nlohmann::json gpt = nlohmann::json::array();
    try {
        bench::writeRandomGpt2(dir, Gpt2Config{});
        double f32Tps = 0, f32Best = 0;
        for (const WeightFormat& f : formats) {
            bench::DecodeBenchOptions o;
            o.model = dir.string();
            o.runs = decodeRuns;
            o.newTokens = decodeTokens;
            o.threads = threads;
            o.engine = {BackendChoice::Cpu, f.precision};
            if (f.groupSize) { // a group size reaches the loader only through a saved checkpoint
                gpt.push_back(
                    {{"precision", "int8"}, {"skipped", "group-wise GPT-2 needs a quantised folder"}});
                continue;
            }
            const nlohmann::json r = bench::decodeBenchmark(o);
            const double tps = r["decode_tokens_per_s_median"].get<double>();
            if (f32Tps == 0) {
                f32Tps = tps;
                f32Best = r["decode_tokens_per_s_best"].get<double>();
            }
            gpt.push_back(
                {{"precision", std::string(precisionName(effectiveWeightFormat(f).precision))},
                 {"weight_bytes", r["weight_bytes"]},
                 {"decode_tokens_per_s_median", tps},
                 {"decode_tokens_per_s_best", r["decode_tokens_per_s_best"]},
                 {"prefill_ms_median", r["prefill_ms_median"]},
                 {"speedup_vs_f32", tps / f32Tps},
                 {"speedup_vs_f32_best_runs", r["decode_tokens_per_s_best"].get<double>() / f32Best}});
        }
    } catch (const std::exception& e) {
        std::cerr << "loupe_bench_precision: GPT-2: " << e.what() << "\n";
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
    out["gpt2_small_decode"] = gpt;
    nlohmann::json sam = nlohmann::json::array();
    if (!samDir.empty()) {
        try {
            double f32Ms = 0;
            for (const WeightFormat& f : formats) {
                if (f.groupSize) continue; // a group size reaches the loader only through a saved checkpoint
                const SamModel m =
                    SamModel::fromCheckpoint(Checkpoint::open(samDir, {BackendChoice::Cpu, f.precision}));
                const int64_t S = m.config().vision.imageSize;
                const Tensor px = Tensor::zeros(DType::F32, {1, 3, S, S});
                m.embed(px);
                std::vector<double> ms;
                for (int r = 0; r < std::max(2, runs / 4); ++r) {
                    const auto t0 = Clock::now();
                    m.embed(px);
                    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
                }
                const double med = median(ms);
                if (f32Ms == 0) f32Ms = med;
                sam.push_back({{"precision", std::string(precisionName(effectiveWeightFormat(f).precision))},
                               {"image_size", S},
                               {"encoder_ms_median", med},
                               {"encoder_ms_min", *std::min_element(ms.begin(), ms.end())},
                               {"speedup_vs_f32", f32Ms / med}});
            }
        } catch (const std::exception& e) {
            std::cerr << "loupe_bench_precision: SAM: " << e.what() << "\n";
        }
    }
    out["sam_encoder"] = sam;
    out["sam_model"] = samDir.empty() ? "not measured (--sam DIR)" : samDir;
    out["load_average_1min_end"] = loadAverage();
    std::cout << out.dump(1) << std::endl;
    return 0;
}
