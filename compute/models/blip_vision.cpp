// SPDX-License-Identifier: MIT
#include "compute/models/blip_vision.h"

#include "compute/backend/backend.h"
#include "compute/backend/scheduler.h"
#include "compute/error.h"
#include "compute/gemm/gemm.h"
#include "compute/models/blip_weights.h"
#include "compute/models/transformer/block.h"

namespace loupe::compute {

using namespace transformer;

struct BlipVisionModel::Impl
{
    BlipVisionConfig cfg;
    Tensor classEmbed, pos, patchBias;
    LinearWeight patch;
    std::vector<BlockWeights> blocks;
    NormWeights post;
    mutable GraphCache cache{2};
    // Where the graphs run: the CPU for a model made from tensors, the checkpoint's choice otherwise.
    std::shared_ptr<Scheduler> scheduler = std::make_shared<Scheduler>();

    Graph build(const Shape& px, const BlipVisionRunOptions& o) const;
};

BlipVisionModel BlipVisionModel::load(const BlipVisionConfig& cfg, BlipWeights& wts)
{
    auto d = std::make_shared<Impl>();
    d->cfg = cfg;
    const int64_t D = cfg.hiddenSize, I = cfg.intermediateSize, P = cfg.patchSize, N = cfg.numPositions();
    const Activation act = activationFromName(cfg.hiddenAct);
    auto norm = [&](const std::string& stem) {
        return NormWeights{wts.take(stem + ".weight", {D}), wts.take(stem + ".bias", {D})};
    };
    const std::string e = "vision_model.embeddings.";
    d->classEmbed = wts.take(e + "class_embedding", {1, 1, D}).contiguous();
    d->patch = makeLinearWeight(wts.take(e + "patch_embedding.weight", {D, 3, P, P}));
    d->patchBias = wts.take(e + "patch_embedding.bias", {D});
    d->pos = wts.take(e + "position_embedding", {1, N, D});
    for (int64_t i = 0; i < cfg.numHiddenLayers; ++i) {
        const std::string l = "vision_model.encoder.layers." + std::to_string(i) + ".";
        BlockWeights b;
        b.ln1 = norm(l + "layer_norm1");
        // BLIP's qkv rows are q, k, v, each D wide: the layout the shared fused attention reads.
        b.attn.qkv = makeLinearWeight(wts.take(l + "self_attn.qkv.weight", {3 * D, D}));
        b.attn.qkvBias = wts.take(l + "self_attn.qkv.bias", {3 * D});
        b.attn.out = makeLinearWeight(wts.take(l + "self_attn.projection.weight", {D, D}));
        b.attn.outBias = wts.take(l + "self_attn.projection.bias", {D});
        b.ln2 = norm(l + "layer_norm2");
        b.mlp.fc1 = makeLinearWeight(wts.take(l + "mlp.fc1.weight", {I, D}));
        b.mlp.fc1Bias = wts.take(l + "mlp.fc1.bias", {I});
        b.mlp.fc2 = makeLinearWeight(wts.take(l + "mlp.fc2.weight", {D, I}));
        b.mlp.fc2Bias = wts.take(l + "mlp.fc2.bias", {D});
        b.mlp.act = act;
        d->blocks.push_back(std::move(b));
    }
    d->post = norm("vision_model.post_layernorm");
    BlipVisionModel m;
    m.d_ = std::move(d);
    return m;
}

const BlipVisionConfig& BlipVisionModel::config() const
{
    return d_->cfg;
}

Graph BlipVisionModel::Impl::build(const Shape& px, const BlipVisionRunOptions& o) const
{
    const int64_t B = px[0], D = cfg.hiddenSize;
    Graph g;
    auto w = [&](const std::string& name, const Tensor& t) { return weightNode(g, name, t); };
    NodeId x = g.input("pixel_values", px);
    NodeId patches = g.patchEmbed(x, linearNode(g, "vision.patch.w", patch), w("vision.patch.b", patchBias),
                                  cfg.patchSize);
    NodeId cls = g.asStrided(w("vision.cls", classEmbed), {B, 1, D}, {0, 0, 1}, 0);
    NodeId h = g.name(g.add(g.concat(cls, patches, 1), w("vision.pos", pos)), "vision.embed.out");
    for (size_t i = 0; i < blocks.size(); ++i) {
        BlockSpec s;
        s.norm = NormPlacement::Pre;
        s.eps = cfg.layerNormEps;
        s.attn.heads = cfg.numAttentionHeads;
        h = transformerBlock(g, h, blocks[i], s, "vision.blk." + std::to_string(i) + ".");
    }
    g.keep(g.name(g.layerNorm(h, w("vision.post.w", post.w), w("vision.post.b", post.b), cfg.layerNormEps),
                  "vision.post_norm"));
    g.keepMatching([&](const std::string& name) {
        return (o.hiddenStates && (name == "vision.embed.out" || globMatch("vision.blk.*.out", name))) ||
               (o.attentions && globMatch("vision.blk.*.attn_probs", name));
    });
    return g;
}

Graph BlipVisionModel::buildGraph(const Shape& pixelShape, const BlipVisionRunOptions& options) const
{
    return d_->build(pixelShape, options);
}

BlipVisionOutput BlipVisionModel::forward(const Tensor& pixelValues, const BlipVisionRunOptions& o) const
{
    const BlipVisionConfig& c = d_->cfg;
    const Shape& px = pixelValues.shape();
    if (px.size() != 4 || px[0] < 1 || px[1] != 3 || px[2] != c.imageSize || px[3] != c.imageSize)
        throw Error("blip", "pixel_values must be [batch, 3, " + std::to_string(c.imageSize) + ", " +
                                std::to_string(c.imageSize) + "], got " + shapeString(px));
    const std::string key = shapeString(px) + (o.hiddenStates ? "H" : "-") + (o.attentions ? "A" : "-");
    GraphRun run;
    run.inputs["pixel_values"] = pixelValues.dtype() == DType::F32 ? pixelValues : pixelValues.to(DType::F32);
    d_->scheduler->run(
        d_->cache, key, [&] { return d_->build(px, o); }, run);
    BlipVisionOutput out;
    out.imageEmbeds = run.kept.at("vision.post_norm");
    if (o.hiddenStates) {
        out.hiddenStates.push_back(run.kept.at("vision.embed.out"));
        for (size_t i = 0; i < d_->blocks.size(); ++i)
            out.hiddenStates.push_back(run.kept.at("vision.blk." + std::to_string(i) + ".out"));
    }
    for (size_t i = 0; o.attentions && i < d_->blocks.size(); ++i)
        out.attentions.push_back(run.kept.at("vision.blk." + std::to_string(i) + ".attn_probs"));
    return out;
}

Scheduler& BlipVisionModel::scheduler() const
{
    return *d_->scheduler;
}

void BlipVisionModel::setScheduler(std::shared_ptr<Scheduler> scheduler)
{
    d_->scheduler = std::move(scheduler);
}

} // namespace loupe::compute
