// SPDX-License-Identifier: MIT
#include "compute/models/vit_benchmark.h"

#include "compute/backend/scheduler.h"
#include "compute/cpu_options.h"
#include "compute/gemm/gemm.h"
#include "compute/gemm/loading_weight_format.h"
#include "compute/models/vit.h"
#include "compute/threadpool.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

namespace loupe::compute {

using Clock = std::chrono::steady_clock;

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

long procStatusKb(const char* key)
{
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key, 0) == 0) return std::atol(line.c_str() + std::strlen(key) + 1);
    return -1;
}

Tensor randomTensor(std::mt19937& rng, Shape shape, float stddev, float mean = 0)
{
    Tensor t = Tensor::empty(DType::F32, std::move(shape));
    std::normal_distribution<float> dist(mean, stddev);
    float* p = t.ptr<float>();
    for (int64_t i = 0; i < t.numel(); ++i)
        p[i] = dist(rng);
    return t;
}

VitModel vitB16(std::mt19937& rng, const EngineOptions& engine)
{
    ViTConfig c; // transformers' defaults are ViT-B/16 at 224
    for (int i = 0; i < 1000; ++i)
        c.id2label[i] = "class_" + std::to_string(i);
    const int64_t D = c.hiddenSize, I = c.intermediateSize;
    std::map<std::string, Tensor> w;
    auto lin = [&](const std::string& n, int64_t out, int64_t in) {
        w[n + ".weight"] = randomTensor(rng, {out, in}, 1.f / std::sqrt(float(in)));
        w[n + ".bias"] = randomTensor(rng, {out}, 0.02f);
    };
    auto ln = [&](const std::string& n) {
        w[n + ".weight"] = randomTensor(rng, {D}, 0.1f, 1.f);
        w[n + ".bias"] = randomTensor(rng, {D}, 0.02f);
    };
    w["vit.embeddings.cls_token"] = randomTensor(rng, {1, 1, D}, 0.02f);
    w["vit.embeddings.position_embeddings"] = randomTensor(rng, {1, c.numPatches() + 1, D}, 0.02f);
    w["vit.embeddings.patch_embeddings.projection.weight"] = randomTensor(rng, {D, 3, 16, 16}, 1.f / 27.7f);
    w["vit.embeddings.patch_embeddings.projection.bias"] = randomTensor(rng, {D}, 0.02f);
    for (int64_t i = 0; i < c.numHiddenLayers; ++i) {
        const std::string l = "vit.encoder.layer." + std::to_string(i) + ".";
        ln(l + "layernorm_before");
        ln(l + "layernorm_after");
        lin(l + "attention.attention.query", D, D);
        lin(l + "attention.attention.key", D, D);
        lin(l + "attention.attention.value", D, D);
        lin(l + "attention.output.dense", D, D);
        lin(l + "intermediate.dense", I, D);
        lin(l + "output.dense", D, I);
    }
    ln("vit.layernorm");
    lin("classifier", 1000, D);
    // Packed at the precision asked for (after the kill switches), as a checkpoint loaded with these
    // options would be, and run where they say.
    const WeightFormat format = effectiveWeightFormat(WeightFormat{engine.precision});
    const WeightFormatScope scope(format);
    VitModel m =
        VitModel::fromTensors(c, VitModel::Arch::ViTForImageClassification, std::move(w), "random ViT-B/16");
    m.setScheduler(std::make_shared<Scheduler>(engine.backend, format.precision,
                                               weightFormatNote(WeightFormat{engine.precision})));
    return m;
}

// Median and minimum ms of `runs` forward passes of `px` after one untimed pass.
std::vector<double> timeForward(const VitModel& model, const Tensor& px, int runs)
{
    model.forward(px);
    std::vector<double> ms;
    for (int r = 0; r < runs; ++r) {
        const auto t0 = Clock::now();
        model.forward(px);
        ms.push_back(msSince(t0));
    }
    return ms;
}

nlohmann::json executionJson(const ExecutionRecord& r)
{
    nlohmann::json j = {{"backend", r.backend}, {"device", r.device}, {"precision", r.precision}};
    if (!r.fallbackReason.empty()) j["fallback_reason"] = r.fallbackReason;
    return j;
}

// GFLOP/s of C[M,N] = A[M,K] x W[N,K]^T (a linear layer's layout), median of several runs.
double gemmRate(int64_t M, int64_t N, int64_t K, std::string* impl)
{
    std::mt19937 rng(7);
    Tensor a = randomTensor(rng, {M, K}, 1), b = randomTensor(rng, {N, K}, 1),
           c = Tensor::empty(DType::F32, {M, N});
    GemmProblem p;
    p.M = M, p.N = N, p.K = K;
    p.a = a.ptr<float>(), p.aRow = K, p.aCol = 1;
    p.b = b.ptr<float>(), p.bRow = 1, p.bCol = K;
    p.c = c.ptr<float>(), p.cRow = N;
    if (impl) *impl = cpuOptions().useOneDnn ? oneDnnImplementation(p) : gemmKernelName();
    gemm(p);
    const double flop = 2.0 * double(M) * double(N) * double(K);
    const int reps = std::max(3, int(2e10 / flop));
    std::vector<double> ms;
    for (int r = 0; r < reps; ++r) {
        const auto t0 = Clock::now();
        gemm(p);
        ms.push_back(msSince(t0));
    }
    return flop / (median(ms) * 1e6);
}

} // namespace

std::string vitBenchmarkJson(const VitBenchOptions& options)
{
    const int runs = std::max(1, options.runs), runs8 = std::max(1, options.batch8Runs);
    if (options.threads > 0) setThreadCount(options.threads);
    const long rssBefore = procStatusKb("VmRSS:");
    std::mt19937 rng(1234);
    const auto tBuild = Clock::now();
    const VitModel model = vitB16(rng, options.engine);
    const double buildMs = msSince(tBuild);
    const double gflopPerImage = 35.2;

    std::mt19937 prng(99);
    const Tensor px1 = randomTensor(prng, {1, 3, 224, 224}, 1);
    const Tensor px8 = randomTensor(prng, {8, 3, 224, 224}, 1);

    const auto tFirst = Clock::now();
    model.forward(px1); // builds and plans the graph
    const double firstMs = msSince(tFirst);
    model.forward(px1);
    std::vector<double> ms1;
    for (int r = 0; r < runs; ++r) {
        const auto t0 = Clock::now();
        model.forward(px1);
        ms1.push_back(msSince(t0));
    }
    const long hwmBatch1 = procStatusKb("VmHWM:");
    model.forward(px8);
    std::vector<double> ms8;
    for (int r = 0; r < runs8; ++r) {
        const auto t0 = Clock::now();
        model.forward(px8);
        ms8.push_back(msSince(t0));
    }
    const double b1 = median(ms1), b8 = median(ms8);
    std::vector<double> ms64;
    if (options.batch64Runs > 0) {
        const Tensor px64 = randomTensor(prng, {64, 3, 224, 224}, 1);
        ms64 = timeForward(model, px64, options.batch64Runs);
    }
    // What ran the model, before the single-GEMM rates below record their own CPU runs.
    const ExecutionRecord ran = lastExecution();

    // Wall time on a shared machine includes waiting for cores other processes hold. With one thread
    // the whole computation runs on the calling thread, so its CPU time is the work itself.
    const int savedThreads = threadCount();
    setThreadCount(1);
    model.forward(px1);
    std::vector<double> cpu1;
    for (int r = 0; r < std::max(3, runs / 4); ++r) {
        timespec t0{}, t1{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
        model.forward(px1);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
        cpu1.push_back(double(t1.tv_sec - t0.tv_sec) * 1e3 + double(t1.tv_nsec - t0.tv_nsec) / 1e6);
    }
    setThreadCount(savedThreads);
    std::ifstream loadavg("/proc/loadavg");
    double load1 = -1;
    loadavg >> load1;

    const MemoryPlan plan1 = model.plan({1, 3, 224, 224});
    VitRunOptions all;
    all.hiddenStates = all.attentions = true;
    const MemoryPlan planAll = model.plan({1, 3, 224, 224}, all);
    const MemoryPlan plan8 = model.plan({8, 3, 224, 224});

    std::string impl768, impl2048;
    const double g768 = gemmRate(197, 768, 768, &impl768);
    const double g3072 = gemmRate(197, 3072, 768, nullptr);
    const double g2048 = gemmRate(2048, 2048, 2048, &impl2048);

    const double mib = 1024.0 * 1024.0;
    nlohmann::json j;
    j["model"] = "ViT-B/16 224, random weights (86.6M parameters)";
    j["requested_backend"] = std::string(backendChoiceName(options.engine.backend));
    j["requested_dtype"] = std::string(precisionName(options.engine.precision));
    j["execution"] = executionJson(ran);
    j["parameters"] = model.parameterCount();
    j["threads"] = threadCount();
    j["gemm_kernel"] = gemmKernelName();
    j["onednn_impl_197x768x768"] = impl768;
    j["onednn_impl_2048"] = impl2048;
    j["fusion"] = cpuOptions().fusion;
    j["simd_math"] = cpuOptions().fastMath;
    j["batch1_ms_per_image_median"] = b1;
    j["batch1_ms_min"] = *std::min_element(ms1.begin(), ms1.end());
    j["batch1_runs"] = runs;
    j["batch1_gflops_achieved"] = gflopPerImage / (b1 / 1000.0);
    j["batch1_single_thread_cpu_ms_min"] = *std::min_element(cpu1.begin(), cpu1.end());
    j["batch1_single_thread_cpu_ms_median"] = median(cpu1);
    j["machine_load_average_1min"] = load1;
    j["batch8_ms_median"] = b8;
    j["batch8_images_per_s"] = 8.0 / (b8 / 1000.0);
    j["batch8_gflops_achieved"] = 8 * gflopPerImage / (b8 / 1000.0);
    if (!ms64.empty()) {
        const double b64 = median(ms64);
        j["batch64_ms_median"] = b64;
        j["batch64_runs"] = int(ms64.size());
        j["batch64_images_per_s"] = 64.0 / (b64 / 1000.0);
        j["batch64_gflops_achieved"] = 64 * gflopPerImage / (b64 / 1000.0);
    }
    j["first_call_ms_incl_graph_build"] = firstMs;
    j["weights_build_ms"] = buildMs;
    j["gemm_gflops_197x768x768"] = g768;
    j["gemm_gflops_197x3072x768"] = g3072;
    j["gemm_gflops_2048x2048x2048"] = g2048;
    j["memory"] = {
        {"weights_mib", double(model.weightBytes()) / mib},
        {"arena_batch1_mib", double(plan1.arenaBytes) / mib},
        {"largest_activation_batch1_mib", double(plan1.largestTensorBytes) / mib},
        {"sum_of_activations_unplanned_batch1_mib", double(plan1.sumOfTensorsBytes) / mib},
        {"arena_batch1_all_hidden_and_attentions_mib", double(planAll.arenaBytes) / mib},
        {"arena_batch8_mib", double(plan8.arenaBytes) / mib},
        {"planned_peak_batch1_mib", double(model.weightBytes() + plan1.arenaBytes) / mib},
        {"rss_before_model_mib", double(rssBefore) / 1024.0},
        {"rss_peak_after_batch1_mib", double(hwmBatch1) / 1024.0},
        {"rss_peak_after_batch8_mib", double(procStatusKb("VmHWM:")) / 1024.0},
        // The peak includes the random plain weights the benchmark builds before they are packed.
        {"rss_now_mib", double(procStatusKb("VmRSS:")) / 1024.0},
    };
    return j.dump(2);
}

VitModel randomVitB16(uint32_t seed, const EngineOptions& engine)
{
    std::mt19937 rng(seed);
    return vitB16(rng, engine);
}

} // namespace loupe::compute
