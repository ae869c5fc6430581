// SPDX-License-Identifier: MIT
#include "compute/models/sam_vision.h"

#include "compute/backend/cpu/ops.h"
#include "compute/error.h"
#include "compute/models/sam_kernels.h"
#include "compute/threadpool.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace loupe::compute::sam {

namespace {

// LOUPE_PROFILE=1 prints the encoder's time per stage to stderr after each forward.
struct StageTimes
{
    static constexpr int kStages = 8;
    double ms[kStages] = {}, cpuMs[kStages] = {};
    bool on = std::getenv("LOUPE_PROFILE") != nullptr;
    std::chrono::steady_clock::time_point t = std::chrono::steady_clock::now();
    double cpu = processCpuMs();
    static double processCpuMs()
    {
        timespec ts{};
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
        return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) * 1e-6;
    }
    void mark(int stage)
    {
        if (!on) return;
        const auto now = std::chrono::steady_clock::now();
        const double c = processCpuMs();
        ms[stage] += std::chrono::duration<double, std::milli>(now - t).count();
        cpuMs[stage] += c - cpu;
        t = now;
        cpu = c;
    }
    void print() const
    {
        static const char* names[kStages] = {"patch+pos", "ln1", "qkv",  "attention",
                                             "proj",      "mlp", "neck", "window copy"};
        if (on)
            for (int i = 0; i < kStages; ++i)
                std::fprintf(stderr, "loupe profile: sam encoder %-12s %9.1f ms wall %9.1f ms CPU\n",
                             names[i], ms[i], cpuMs[i]);
    }
};
thread_local StageTimes* t_stages = nullptr;
void mark(int stage)
{
    if (t_stages) t_stages->mark(stage);
}

} // namespace

VisionEncoder VisionEncoder::load(const SamVisionConfig& c, WeightSource& ws)
{
    VisionEncoder e;
    e.cfg_ = c;
    e.act_ = activationFromName(c.hiddenAct);
    const int64_t D = c.hiddenSize, P = c.patchSize, g = c.grid(), hd = D / c.numAttentionHeads;
    const std::string p = "vision_encoder.";
    e.patch_ = ws.linear(p + "patch_embed.projection.weight", {D, c.numChannels, P, P});
    e.patchB_ = ws.take(p + "patch_embed.projection.bias", {D});
    if (c.useAbsPos) e.pos_ = ws.take(p + "pos_embed", {1, g, g, D});
    for (int64_t i = 0; i < c.numHiddenLayers; ++i) {
        const std::string l = p + "layers." + std::to_string(i) + ".";
        Layer L;
        L.window = c.isGlobal(i) ? 0 : c.windowSize;
        const int64_t side = L.window ? L.window : g;
        L.ln1w = ws.take(l + "layer_norm1.weight", {D});
        L.ln1b = ws.take(l + "layer_norm1.bias", {D});
        L.qkv = ws.linear(l + "attn.qkv.weight", {3 * D, D});
        if (c.qkvBias) L.qkvb = ws.take(l + "attn.qkv.bias", {3 * D});
        L.proj = ws.linear(l + "attn.proj.weight", {D, D});
        L.projb = ws.take(l + "attn.proj.bias", {D});
        if (c.useRelPos) {
            // Tables are trained for 2 * side - 1 offsets; other lengths are resized as transformers does.
            auto table = [&](const char* name) {
                return relativePositions(ws.takeRows(l + "attn." + name, hd), side);
            };
            L.relH = table("rel_pos_h");
            L.relW = table("rel_pos_w");
        }
        L.ln2w = ws.take(l + "layer_norm2.weight", {D});
        L.ln2b = ws.take(l + "layer_norm2.bias", {D});
        L.fc1 = ws.linear(l + "mlp.lin1.weight", {c.mlpDim, D});
        L.fc1b = ws.take(l + "mlp.lin1.bias", {c.mlpDim});
        L.fc2 = ws.linear(l + "mlp.lin2.weight", {D, c.mlpDim});
        L.fc2b = ws.take(l + "mlp.lin2.bias", {D});
        e.layers_.push_back(std::move(L));
    }
    const int64_t C = c.outputChannels;
    e.neck1_ = ws.linear(p + "neck.conv1.weight", {C, D, 1, 1});
    e.neckLn1w_ = ws.take(p + "neck.layer_norm1.weight", {C});
    e.neckLn1b_ = ws.take(p + "neck.layer_norm1.bias", {C});
    e.neck2_ = convWeight(ws.take(p + "neck.conv2.weight", {C, C, 3, 3}));
    e.neckLn2w_ = ws.take(p + "neck.layer_norm2.weight", {C});
    e.neckLn2b_ = ws.take(p + "neck.layer_norm2.bias", {C});
    return e;
}

// Every activation of a layer, allocated once per image and reused by all layers: fresh buffers would
// cost a page fault per 4 KB, tens of MB per layer.
struct VisionEncoder::Buffers
{
    Tensor x, h, a, qkv, qkvWindows, ctxWindows, mlp;
    std::vector<float> attention; // packed K^T, V and relative terms (sam_attention.h)
};

void VisionEncoder::layer(Buffers& b, const Layer& L) const
{
    const int64_t g = cfg_.grid(), heads = cfg_.numAttentionHeads;
    cpu::layerNorm(b.a, b.x, L.ln1w, L.ln1b, float(cfg_.layerNormEps));
    mark(1);
    // Projecting before partitioning skips the padding tokens: a zero token's q, k, v are the bias.
    linearInto(b.qkv, b.a, L.qkv, L.qkvb);
    mark(2);
    if (L.window) {
        const int64_t S = L.window, n = (g + S - 1) / S;
        windowPartition(b.qkvWindows, b.qkv, g, S,
                        L.qkvb.defined() && L.qkvb.numel() ? L.qkvb.ptr<float>() : nullptr);
        mark(7);
        windowAttentionInto(b.ctxWindows, b.qkvWindows, n * n, S, heads, L.relH, L.relW, &b.attention);
        mark(3);
        windowUnpartition(b.a, b.ctxWindows, g, S);
        mark(7);
    } else {
        windowAttentionInto(b.a, b.qkv, 1, g, heads, L.relH, L.relW, &b.attention);
        mark(3);
    }
    // The output projection works token by token, so it runs after unpartitioning with the residual fused.
    linearInto(b.h, b.a, L.proj, L.projb, Activation::None, &b.x);
    mark(4);
    cpu::layerNorm(b.a, b.h, L.ln2w, L.ln2b, float(cfg_.layerNormEps));
    linearInto(b.mlp, b.a, L.fc1, L.fc1b, act_);
    linearInto(b.x, b.mlp, L.fc2, L.fc2b, Activation::None, &b.h);
    mark(5);
}

Tensor VisionEncoder::forward(const Tensor& pixelsIn) const
{
    const int64_t S = cfg_.imageSize, g = cfg_.grid(), D = cfg_.hiddenSize;
    if (pixelsIn.shape() != Shape{1, cfg_.numChannels, S, S})
        throw Error("sam", "pixel_values must be " + shapeString({1, cfg_.numChannels, S, S}) + ", got " +
                               shapeString(pixelsIn.shape()));
    StageTimes stages;
    t_stages = &stages;
    struct Reset
    {
        ~Reset() { t_stages = nullptr; }
    } reset;
    const Tensor pixels = pixelsIn.dtype() == DType::F32 ? pixelsIn.contiguous() : pixelsIn.to(DType::F32);
    Tensor x = Tensor::empty(DType::F32, {g * g, D});
    cpu::patchEmbed(x.reshape({1, g * g, D}), pixels, patch_.w, &patchB_, cfg_.patchSize,
                    patch_.packed.get());
    if (pos_.defined() && pos_.numel()) x = add(x, pos_.reshape({g * g, D}));
    mark(0);
    Buffers b;
    b.x = x;
    b.h = Tensor::empty(DType::F32, {g * g, D});
    b.a = Tensor::empty(DType::F32, {g * g, D});
    b.qkv = Tensor::empty(DType::F32, {g * g, 3 * D});
    b.mlp = Tensor::empty(DType::F32, {g * g, cfg_.mlpDim});
    if (cfg_.windowSize > 0) {
        const int64_t W = cfg_.windowSize, n = (g + W - 1) / W;
        b.qkvWindows = Tensor::empty(DType::F32, {n * n, W * W, 3 * D});
        b.ctxWindows = Tensor::empty(DType::F32, {n * n, W * W, D});
    }
    for (const Layer& L : layers_)
        layer(b, L);
    Tensor n = layerNorm(linear(b.x, neck1_, Tensor()), neckLn1w_, neckLn1b_, 1e-6);
    n = conv2d(n.reshape({g, g, cfg_.outputChannels}), neck2_, Tensor(), 3, 1, 1);
    n = layerNorm(n, neckLn2w_, neckLn2b_, 1e-6).reshape({g, g, cfg_.outputChannels});
    mark(6);
    stages.print();
    return n;
}

} // namespace loupe::compute::sam
