// SPDX-License-Identifier: MIT
#include "compute/models/blip_text.h"

#include "compute/autograd/backward_graph.h"
#include "compute/backend/backend.h"
#include "compute/backend/scheduler.h"
#include "compute/error.h"
#include "compute/gemm/gemm.h"
#include "compute/models/blip_weights.h"
#include "compute/models/transformer/block.h"
#include "compute/models/transformer/embedding.h"

#include <algorithm>
#include <limits>

namespace loupe::compute {

using namespace transformer;

namespace {

// Decoding steps read the cache up to a length rounded up to this (the unfilled slots masked), so one
// graph serves that many steps instead of being rebuilt at every step (as GPT-2 does).
constexpr int64_t kPastBucket = 32;

Tensor concatRows(const std::vector<Tensor>& parts)
{
    int64_t rows = 0;
    for (const Tensor& t : parts)
        rows += t.size(0);
    Shape shape = parts.front().shape();
    shape[0] = rows;
    Tensor out = Tensor::empty(DType::F32, shape);
    int64_t at = 0;
    for (const Tensor& t : parts) {
        copyInto(out.slice(0, at, at + t.size(0)), t);
        at += t.size(0);
    }
    return out;
}

} // namespace

struct BlipTextModel::Impl
{
    BlipTextConfig cfg;
    std::string source;
    Tensor wordEmbed, posEmbed;
    NormWeights embedNorm;
    std::vector<BlockWeights> blocks;
    bool lmHead = false;
    LinearWeight headDense, headDecoder;
    Tensor headDenseBias, headDecoderBias;
    NormWeights headNorm;
    Activation act = Activation::GeluErf;
    mutable GraphCache cache{4};
    // Where the graphs run: the CPU for a model made from tensors, the checkpoint's choice otherwise.
    std::shared_ptr<Scheduler> scheduler = std::make_shared<Scheduler>();

    // encoderInput: cross-attention keys/values computed in the graph from the input "encoder_states"
    // [B, encTokens, encoder width] (gradients reach the encoder states) instead of bound per layer.
    Graph build(int64_t B, int64_t n, int64_t past, int64_t capacity, int64_t encTokens, bool causal,
                const BlipTextRunOptions& o, bool encoderInput = false) const;
    BlipTextOutput run(KvCache& kv, bool causal, const std::vector<std::vector<int64_t>>& ids,
                       const BlipTextRunOptions& o) const;
};

BlipTextModel BlipTextModel::load(const BlipTextConfig& cfg, BlipWeights& wts, const std::string& pre,
                                  const std::string& headPre)
{
    auto d = std::make_shared<Impl>();
    d->cfg = cfg;
    d->source = wts.where();
    d->act = activationFromName(cfg.hiddenAct);
    const int64_t D = cfg.hiddenSize, De = cfg.encoderHiddenSize, I = cfg.intermediateSize;
    auto norm = [&](const std::string& stem) {
        return NormWeights{wts.take(stem + ".weight", {D}), wts.take(stem + ".bias", {D})};
    };
    d->wordEmbed = wts.take(pre + "embeddings.word_embeddings.weight", {cfg.vocabSize, D}).contiguous();
    d->posEmbed =
        wts.take(pre + "embeddings.position_embeddings.weight", {cfg.maxPositionEmbeddings, D}).contiguous();
    d->embedNorm = norm(pre + "embeddings.LayerNorm");
    for (int64_t i = 0; i < cfg.numHiddenLayers; ++i) {
        const std::string l = pre + "encoder.layer." + std::to_string(i) + ".";
        BlockWeights b;
        const std::string a = l + "attention.";
        b.attn.qkv = makeLinearWeight(
            concatRows({wts.take(a + "self.query.weight", {D, D}), wts.take(a + "self.key.weight", {D, D}),
                        wts.take(a + "self.value.weight", {D, D})}));
        b.attn.qkvBias = concatRows({wts.take(a + "self.query.bias", {D}), wts.take(a + "self.key.bias", {D}),
                                     wts.take(a + "self.value.bias", {D})});
        b.attn.out = makeLinearWeight(wts.take(a + "output.dense.weight", {D, D}));
        b.attn.outBias = wts.take(a + "output.dense.bias", {D});
        b.ln1 = norm(a + "output.LayerNorm");
        const std::string c = l + "crossattention.";
        b.cross.q = makeLinearWeight(wts.take(c + "self.query.weight", {D, D}));
        b.cross.qBias = wts.take(c + "self.query.bias", {D});
        b.cross.kv = makeLinearWeight(concatRows(
            {wts.take(c + "self.key.weight", {D, De}), wts.take(c + "self.value.weight", {D, De})}));
        b.cross.kvBias =
            concatRows({wts.take(c + "self.key.bias", {D}), wts.take(c + "self.value.bias", {D})});
        b.cross.out = makeLinearWeight(wts.take(c + "output.dense.weight", {D, D}));
        b.cross.outBias = wts.take(c + "output.dense.bias", {D});
        b.lnCross = norm(c + "output.LayerNorm");
        b.mlp.fc1 = makeLinearWeight(wts.take(l + "intermediate.dense.weight", {I, D}));
        b.mlp.fc1Bias = wts.take(l + "intermediate.dense.bias", {I});
        b.mlp.fc2 = makeLinearWeight(wts.take(l + "output.dense.weight", {D, I}));
        b.mlp.fc2Bias = wts.take(l + "output.dense.bias", {D});
        b.mlp.act = d->act;
        b.ln2 = norm(l + "output.LayerNorm");
        d->blocks.push_back(std::move(b));
    }
    if (!headPre.empty()) {
        const std::string h = headPre + "predictions.";
        d->lmHead = true;
        d->headDense = makeLinearWeight(wts.take(h + "transform.dense.weight", {D, D}));
        d->headDenseBias = wts.take(h + "transform.dense.bias", {D});
        d->headNorm = norm(h + "transform.LayerNorm");
        // save_pretrained stores tied weights once: without its own decoder weight the head reads the
        // word embeddings.
        const std::string dec = h + "decoder.weight";
        d->headDecoder = makeLinearWeight(wts.has(dec) ? wts.take(dec, {cfg.vocabSize, D}) : d->wordEmbed);
        d->headDecoderBias = wts.take(h + "bias", {cfg.vocabSize});
        if (wts.has(h + "decoder.bias")) wts.take(h + "decoder.bias", {cfg.vocabSize}); // tied to "bias"
    }
    BlipTextModel m;
    m.d_ = std::move(d);
    return m;
}

const BlipTextConfig& BlipTextModel::config() const
{
    return d_->cfg;
}

bool BlipTextModel::hasLmHead() const
{
    return d_->lmHead;
}

KvCache BlipTextModel::newCache(int64_t batch, int64_t capacity) const
{
    const BlipTextConfig& c = d_->cfg;
    if (capacity <= 0 || capacity > c.maxPositionEmbeddings)
        throw Error("blip", "a cache of " + std::to_string(capacity) + " positions (the model has " +
                                std::to_string(c.maxPositionEmbeddings) + ")");
    return KvCache(c.numHiddenLayers, batch, c.numAttentionHeads, capacity, c.headDim());
}

void BlipTextModel::setEncoderStates(KvCache& kv, const Tensor& enc) const
{
    const BlipTextConfig& c = d_->cfg;
    if (enc.dim() != 3 || enc.size(2) != c.encoderHiddenSize)
        throw Error("blip", "encoder states must be [batch, tokens, " + std::to_string(c.encoderHiddenSize) +
                                "], got " + shapeString(enc.shape()));
    computeCrossKeyValues(kv, enc, d_->blocks, c.numAttentionHeads, *d_->scheduler);
}

Graph BlipTextModel::Impl::build(int64_t B, int64_t n, int64_t past, int64_t capacity, int64_t encTokens,
                                 bool causal, const BlipTextRunOptions& o, bool encoderInput) const
{
    const int64_t D = cfg.hiddenSize, H = cfg.numAttentionHeads, hd = D / H;
    Graph g;
    auto w = [&](const std::string& name, const Tensor& t) { return weightNode(g, name, t); };
    NodeId h = tokenPositionEmbedding(g, B, n, D);
    h = g.name(
        g.layerNorm(h, w("embed.norm.w", embedNorm.w), w("embed.norm.b", embedNorm.b), cfg.layerNormEps),
        "embed.norm");
    const NodeId pastMask = past > 0 ? g.input("past_mask", {1, 1, 1, past}) : -1;
    const NodeId encoder =
        encoderInput ? g.input("encoder_states", {B, encTokens, cfg.encoderHiddenSize}) : -1;
    for (size_t i = 0; i < blocks.size(); ++i) {
        const std::string p = "blk." + std::to_string(i) + ".";
        BlockSpec s;
        s.norm = NormPlacement::Post;
        s.eps = cfg.layerNormEps;
        s.attn.heads = H;
        s.attn.causal = causal;
        s.attn.exportKeyValues = capacity > 0;
        if (past > 0) {
            s.attn.past.k = g.input(p + "past_k", {B, H, capacity, hd});
            s.attn.past.v = g.input(p + "past_v", {B, H, capacity, hd});
            s.attn.past.length = past;
            s.attn.past.mask = pastMask;
        }
        if (encoder >= 0) {
            s.cross = crossKeyValues(g, encoder, blocks[i].cross, H, p);
        } else {
            s.cross.k = g.input(p + "cross_k", {B, H, encTokens, hd});
            s.cross.v = g.input(p + "cross_v", {B, H, encTokens, hd});
        }
        h = transformerBlock(g, h, blocks[i], s, p);
        if (capacity > 0) {
            g.keep(g.find(p + "k_new"));
            g.keep(g.find(p + "v_new"));
        }
    }
    g.keep(h);
    if (lmHead) {
        NodeId last = n == 1 ? h : g.cont(g.slice(h, 1, n - 1, n));
        NodeId t =
            g.linear(last, linearNode(g, "lm.dense.w", headDense), w("lm.dense.b", headDenseBias), act);
        t = g.name(g.layerNorm(t, w("lm.norm.w", headNorm.w), w("lm.norm.b", headNorm.b), cfg.layerNormEps),
                   "lm.transform");
        g.keep(g.name(
            g.linear(t, linearNode(g, "lm.decoder.w", headDecoder), w("lm.decoder.b", headDecoderBias)),
            "logits"));
    }
    g.keepMatching([&](const std::string& name) {
        return (o.hiddenStates && (name == "embed.norm" || globMatch("blk.*.out", name))) ||
               (o.attentions && globMatch("blk.*.attn_probs", name)) ||
               (o.crossAttentions && globMatch("blk.*.cross_probs", name));
    });
    return g;
}

BlipTextOutput BlipTextModel::Impl::run(KvCache& kv, bool causal,
                                        const std::vector<std::vector<int64_t>>& ids,
                                        const BlipTextRunOptions& o) const
{
    const int64_t B = int64_t(ids.size());
    if (B == 0 || ids.front().empty()) throw Error("blip", "no tokens to run");
    const int64_t n = int64_t(ids.front().size());
    for (const auto& row : ids)
        if (int64_t(row.size()) != n) throw Error("blip", "every row of a batch must have the same length");
    if (kv.crossKeys.size() != blocks.size())
        throw Error("blip", "the text model cross-attends encoder states: set them on the cache first");
    if (kv.crossKeys.front().size(0) != B)
        throw Error("blip", "the encoder states hold " + std::to_string(kv.crossKeys.front().size(0)) +
                                " rows, the step has " + std::to_string(B));
    const int64_t filled = kv.length(), capacity = kv.capacity();
    if (capacity > 0 && kv.batch() != B)
        throw Error("blip", "the cache holds " + std::to_string(kv.batch()) + " rows, the step has " +
                                std::to_string(B));
    if (filled + n > cfg.maxPositionEmbeddings)
        throw Error("blip", std::to_string(filled + n) + " positions exceed the model's " +
                                std::to_string(cfg.maxPositionEmbeddings) + " (max_position_embeddings)");
    if (capacity > 0 && filled + n > capacity)
        throw Error("blip", std::to_string(filled + n) + " positions exceed the cache's capacity (" +
                                std::to_string(capacity) + ")");
    // Observed self-attentions need their exact width, so observing them turns the rounding off.
    const int64_t past = filled == 0 || o.attentions
                             ? filled
                             : std::min(capacity, (filled + kPastBucket - 1) / kPastBucket * kPastBucket);
    const int64_t encTokens = kv.crossKeys.front().size(2);
    const std::string key = std::to_string(B) + "x" + std::to_string(n) + "@" + std::to_string(past) + "/" +
                            std::to_string(capacity) + "e" + std::to_string(encTokens) +
                            (causal ? "C" : "B") + (o.hiddenStates ? "H" : "-") + (o.attentions ? "A" : "-") +
                            (o.crossAttentions ? "X" : "-");

    std::vector<int64_t> flat, positions;
    for (const auto& row : ids)
        for (int64_t i = 0; i < n; ++i) {
            flat.push_back(row[size_t(i)]);
            positions.push_back(filled + i);
        }
    const int64_t D = cfg.hiddenSize;
    GraphRun run;
    run.inputs["token_embeds"] = gatherRows(wordEmbed, flat, source + ": token ids").reshape({B, n, D});
    run.inputs["position_embeds"] =
        gatherRows(posEmbed, positions, source + ": positions").reshape({B, n, D});
    if (past > 0) {
        std::vector<float> mask(size_t(past), 0.f);
        for (int64_t j = filled; j < past; ++j)
            mask[size_t(j)] = std::numeric_limits<float>::lowest();
        run.inputs["past_mask"] = Tensor::fromF32({1, 1, 1, past}, mask);
    }
    for (size_t i = 0; i < blocks.size(); ++i) {
        const std::string p = "blk." + std::to_string(i) + ".";
        if (past > 0) {
            run.inputs[p + "past_k"] = kv.keys(int64_t(i));
            run.inputs[p + "past_v"] = kv.values(int64_t(i));
        }
        run.inputs[p + "cross_k"] = kv.crossKeys[i];
        run.inputs[p + "cross_v"] = kv.crossValues[i];
    }
    scheduler->run(
        cache, key, [&] { return build(B, n, past, capacity, encTokens, causal, o); }, run);
    if (capacity > 0) {
        for (size_t i = 0; i < blocks.size(); ++i) {
            const std::string p = "blk." + std::to_string(i) + ".";
            kv.write(int64_t(i), run.kept.at(p + "k_new"), run.kept.at(p + "v_new"));
        }
        kv.advance(n);
    }
    BlipTextOutput out;
    const size_t L = blocks.size();
    out.lastHiddenState = run.kept.at("blk." + std::to_string(L - 1) + ".out");
    if (lmHead) out.logits = run.kept.at("logits");
    if (o.hiddenStates) {
        out.hiddenStates.push_back(run.kept.at("embed.norm"));
        for (size_t i = 0; i < L; ++i)
            out.hiddenStates.push_back(run.kept.at("blk." + std::to_string(i) + ".out"));
    }
    for (size_t i = 0; o.attentions && i < L; ++i)
        out.attentions.push_back(run.kept.at("blk." + std::to_string(i) + ".attn_probs"));
    for (size_t i = 0; o.crossAttentions && i < L; ++i)
        out.crossAttentions.push_back(run.kept.at("blk." + std::to_string(i) + ".cross_probs"));
    return out;
}

BlipTextOutput BlipTextModel::encode(const std::vector<std::vector<int64_t>>& ids, const Tensor& enc,
                                     const BlipTextRunOptions& o) const
{
    KvCache kv; // no self-attention cache: one bidirectional pass
    setEncoderStates(kv, enc);
    return d_->run(kv, false, ids, o);
}

DecoderTokenGradients BlipTextModel::tokenGradients(const std::vector<int64_t>& ids,
                                                    const Tensor& encoderStates, int64_t target) const
{
    const BlipTextConfig& c = d_->cfg;
    if (!d_->lmHead) throw Error("blip", "token gradients need the text decoder (a model with an LM head)");
    const int64_t n = int64_t(ids.size());
    if (n == 0 || n > c.maxPositionEmbeddings)
        throw Error("blip", "token gradients need 1.." + std::to_string(c.maxPositionEmbeddings) +
                                " forced tokens, got " + std::to_string(n));
    if (encoderStates.dim() != 3 || encoderStates.size(0) != 1 ||
        encoderStates.size(2) != c.encoderHiddenSize)
        throw Error("blip", "encoder states must be [1, tokens, " + std::to_string(c.encoderHiddenSize) +
                                "], got " + shapeString(encoderStates.shape()));
    const Graph g = d_->build(1, n, 0, 0, encoderStates.size(1), true, {}, true);
    std::vector<int64_t> positions(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
        positions[size_t(i)] = i;
    std::map<std::string, Tensor> inputs;
    const int64_t D = c.hiddenSize;
    inputs["token_embeds"] = gatherRows(d_->wordEmbed, ids, d_->source + ": token ids").reshape({1, n, D});
    inputs["position_embeds"] =
        gatherRows(d_->posEmbed, positions, d_->source + ": positions").reshape({1, n, D});
    inputs["encoder_states"] = encoderStates.contiguous();
    DecoderTokenGradients out =
        decoderTokenGradients(g, inputs, c.numHiddenLayers, target, "blip", d_->scheduler.get());
    return out;
}

TextEncoderGradients BlipTextModel::encoderGradients(const std::vector<int64_t>& ids,
                                                     const Tensor& encoderStates, const Tensor& seed) const
{
    const BlipTextConfig& c = d_->cfg;
    const int64_t n = int64_t(ids.size()), D = c.hiddenSize;
    if (n == 0 || n > c.maxPositionEmbeddings)
        throw Error("blip", "encoder gradients need 1.." + std::to_string(c.maxPositionEmbeddings) +
                                " tokens, got " + std::to_string(n));
    if (encoderStates.dim() != 3 || encoderStates.size(0) != 1 ||
        encoderStates.size(2) != c.encoderHiddenSize)
        throw Error("blip", "encoder states must be [1, tokens, " + std::to_string(c.encoderHiddenSize) +
                                "], got " + shapeString(encoderStates.shape()));
    if (seed.shape() != Shape{1, n, D})
        throw Error("blip", "the gradient of the last hidden state must be [1, " + std::to_string(n) + ", " +
                                std::to_string(D) + "], got " + shapeString(seed.shape()));
    const Graph g = d_->build(1, n, 0, 0, encoderStates.size(1), false, {}, true);
    std::vector<int64_t> positions(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
        positions[size_t(i)] = i;
    std::map<std::string, Tensor> inputs;
    inputs["token_embeds"] = gatherRows(d_->wordEmbed, ids, d_->source + ": token ids").reshape({1, n, D});
    inputs["position_embeds"] =
        gatherRows(d_->posEmbed, positions, d_->source + ": positions").reshape({1, n, D});
    inputs["encoder_states"] = encoderStates.contiguous();
    auto need = [&](const std::string& name) {
        const NodeId id = g.find(name);
        if (id < 0) throw Error("blip", "the gradient graph has no node named '" + name + "'");
        return id;
    };
    const NodeId out = need("blk." + std::to_string(c.numHiddenLayers - 1) + ".out");
    GradientRequest req;
    for (int64_t l = 0; l < c.numHiddenLayers; ++l) {
        req.gradients.push_back(need("blk." + std::to_string(l) + ".attn_probs"));
        req.gradients.push_back(need("blk." + std::to_string(l) + ".cross_probs"));
    }
    const NodeId encoder = need("encoder_states");
    req.gradients.push_back(encoder);
    const GradientRun run = runWithGradients(g, inputs, out, seed.contiguous(), req, *d_->scheduler);
    TextEncoderGradients r;
    for (int64_t l = 0; l < c.numHiddenLayers; ++l) {
        const NodeId self = req.gradients[size_t(2 * l)], cross = req.gradients[size_t(2 * l + 1)];
        r.selfProbs.push_back(run.valueOf(self));
        r.selfGrads.push_back(run.gradOf(self));
        r.crossProbs.push_back(run.valueOf(cross));
        r.crossGrads.push_back(run.gradOf(cross));
    }
    r.encoderGrad = run.gradOf(encoder);
    return r;
}

BlipTextOutput BlipTextModel::step(KvCache& kv, const std::vector<std::vector<int64_t>>& ids,
                                   const BlipTextRunOptions& o) const
{
    if (!d_->lmHead) throw Error("blip", "this text model has no LM head: it encodes, it does not decode");
    if (kv.capacity() <= 0) throw Error("blip", "decoding needs a key/value cache (newCache)");
    return d_->run(kv, true, ids, o);
}

Scheduler& BlipTextModel::scheduler() const
{
    return *d_->scheduler;
}

void BlipTextModel::setScheduler(std::shared_ptr<Scheduler> scheduler)
{
    d_->scheduler = std::move(scheduler);
}

} // namespace loupe::compute
