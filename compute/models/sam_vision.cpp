// SPDX-License-Identifier: MIT
#include "compute/models/sam_vision.h"

#include "compute/backend/cpu/ops.h"
#include "compute/error.h"
#include "compute/models/sam_kernels.h"
#include "compute/threadpool.h"

#include <algorithm>
#include <cstring>

namespace loupe::compute::sam {

namespace {

// [g, g, D] -> [windows, S*S, D], zero-padding the grid to a multiple of S (window_partition).
Tensor partition(const Tensor& x, int64_t g, int64_t S)
{
    const int64_t D = x.shape().back(), n = (g + S - 1) / S;
    Tensor out = Tensor::zeros(DType::F32, {n * n, S * S, D});
    parallelFor(g, 4, [&](int64_t y0, int64_t y1) {
        for (int64_t y = y0; y < y1; ++y)
            for (int64_t x0 = 0; x0 < g; ++x0) {
                const int64_t w = (y / S) * n + x0 / S, t = (y % S) * S + x0 % S;
                std::memcpy(out.ptr<float>() + (w * S * S + t) * D, x.ptr<float>() + (y * g + x0) * D,
                            size_t(D) * sizeof(float));
            }
    });
    return out;
}

// The inverse, dropping the padding (window_unpartition): [windows, S*S, D] -> [g*g, D].
Tensor unpartition(const Tensor& w, int64_t g, int64_t S)
{
    const int64_t D = w.shape().back(), n = (g + S - 1) / S;
    Tensor out = Tensor::empty(DType::F32, {g * g, D});
    parallelFor(g, 4, [&](int64_t y0, int64_t y1) {
        for (int64_t y = y0; y < y1; ++y)
            for (int64_t x0 = 0; x0 < g; ++x0) {
                const int64_t win = (y / S) * n + x0 / S, t = (y % S) * S + x0 % S;
                std::memcpy(out.ptr<float>() + (y * g + x0) * D, w.ptr<float>() + (win * S * S + t) * D,
                            size_t(D) * sizeof(float));
            }
    });
    return out;
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

Tensor VisionEncoder::layer(const Tensor& x, const Layer& L) const
{
    const int64_t g = cfg_.grid(), D = cfg_.hiddenSize, heads = cfg_.numAttentionHeads;
    const Tensor a = layerNorm(x, L.ln1w, L.ln1b, cfg_.layerNormEps);
    Tensor ctx;
    if (L.window) {
        const int64_t S = L.window, n = (g + S - 1) / S;
        const Tensor qkv = linear(partition(a.reshape({g, g, D}), g, S), L.qkv, L.qkvb);
        ctx = unpartition(windowAttention(qkv, n * n, S, heads, L.relH, L.relW), g, S);
    } else {
        const Tensor qkv = linear(a, L.qkv, L.qkvb);
        ctx = windowAttention(qkv, 1, g, heads, L.relH, L.relW).reshape({g * g, D});
    }
    // The output projection works token by token, so it runs after unpartitioning with the residual fused.
    const Tensor h = linear(ctx, L.proj, L.projb, Activation::None, &x);
    const Tensor m = linear(layerNorm(h, L.ln2w, L.ln2b, cfg_.layerNormEps), L.fc1, L.fc1b, act_);
    return linear(m, L.fc2, L.fc2b, Activation::None, &h);
}

Tensor VisionEncoder::forward(const Tensor& pixelsIn) const
{
    const int64_t S = cfg_.imageSize, g = cfg_.grid(), D = cfg_.hiddenSize;
    if (pixelsIn.shape() != Shape{1, cfg_.numChannels, S, S})
        throw Error("sam", "pixel_values must be " + shapeString({1, cfg_.numChannels, S, S}) + ", got " +
                               shapeString(pixelsIn.shape()));
    const Tensor pixels = pixelsIn.dtype() == DType::F32 ? pixelsIn.contiguous() : pixelsIn.to(DType::F32);
    Tensor x = Tensor::empty(DType::F32, {g * g, D});
    cpu::patchEmbed(x.reshape({1, g * g, D}), pixels, patch_.w, &patchB_, cfg_.patchSize,
                    patch_.packed.get());
    if (pos_.defined() && pos_.numel()) x = add(x, pos_.reshape({g * g, D}));
    for (const Layer& L : layers_)
        x = layer(x, L);
    Tensor n = layerNorm(linear(x, neck1_, Tensor()), neckLn1w_, neckLn1b_, 1e-6);
    n = conv2d(n.reshape({g, g, cfg_.outputChannels}), neck2_, Tensor(), 3, 1, 1);
    return layerNorm(n, neckLn2w_, neckLn2b_, 1e-6).reshape({g, g, cfg_.outputChannels});
}

} // namespace loupe::compute::sam
