// SPDX-License-Identifier: MIT
#include "compute/models/gpt2.h"

#include "compute/backend/backend.h"
#include "compute/backend/scheduler.h"
#include "compute/error.h"
#include "compute/gemm/loading_weight_format.h"
#include "compute/io/checkpoint.h"
#include "compute/models/transformer/attention.h"
#include "compute/models/transformer/block.h"
#include "compute/models/transformer/embedding.h"

#include <algorithm>
#include <limits>
#include <set>

namespace loupe::compute {

using namespace transformer;

namespace {

constexpr int64_t kPastBucket = 32;

} // namespace

struct Gpt2Model::Impl
{
    Gpt2Config cfg;
    std::string source;
    Tensor wte, wpe; // plain, for the host-side lookups
    LinearWeight lmHead;
    NormWeights lnf;
    std::vector<BlockWeights> blocks;
    int64_t paramCount = 0;
    size_t weightBytes = 0;
    mutable GraphCache cache{4};
    // Where the graphs run: the CPU for a model made from tensors, the checkpoint's choice otherwise.
    std::shared_ptr<Scheduler> scheduler = std::make_shared<Scheduler>();

    // encoderInput: cross-attention keys/values are computed in the graph from an input named
    // "encoder_states" [B, encTokens, D] (so gradients reach the encoder states), not bound per layer.
    Graph build(int64_t B, int64_t n, int64_t past, int64_t capacity, int64_t encTokens,
                const Gpt2RunOptions& o, bool encoderInput = false) const;
    Gpt2Output run(KvCache* cache, const std::vector<std::vector<int64_t>>& ids,
                   const Gpt2RunOptions& o) const;
};

std::vector<std::string> Gpt2Model::supportedArchitectures()
{
    return {"GPT2LMHeadModel"};
}

Gpt2Model Gpt2Model::fromTensors(const Gpt2Config& cfg, std::map<std::string, Tensor> weights,
                                 const std::string& source)
{
    auto d = std::make_shared<Impl>();
    d->cfg = cfg;
    d->source = source;
    const int64_t D = cfg.nEmbd, I = cfg.innerSize(), V = cfg.vocabSize;
    auto take = [&](const std::string& name, const Shape& shape) -> Tensor {
        auto it = weights.find(name);
        if (it == weights.end())
            throw Error(source, "missing tensor '" + name + "' required by GPT2LMHeadModel");
        if (it->second.shape() != shape)
            throw Error(source, "tensor '" + name + "' has shape " + shapeString(it->second.shape()) +
                                    ", expected " + shapeString(shape) + " from config.json");
        d->paramCount += it->second.numel();
        Tensor t = it->second.dtype() == DType::F32 ? it->second : it->second.to(DType::F32);
        d->weightBytes += t.nbytes();
        weights.erase(it);
        return t;
    };
    auto conv1d = [&](const std::string& name, int64_t in, int64_t out) {
        LinearWeight w = makeLinearWeightFromConv1D(take(name, {in, out}));
        d->weightBytes += w.bytes() - size_t(in * out) * sizeof(float);
        return w;
    };
    auto norm = [&](const std::string& stem) {
        return NormWeights{take(stem + ".weight", {D}), take(stem + ".bias", {D})};
    };
    const Activation act = activationFromName(cfg.activationFunction);
    d->wte = take("transformer.wte.weight", {V, D}).contiguous();
    d->wpe = take("transformer.wpe.weight", {cfg.nPositions, D}).contiguous();
    for (int64_t i = 0; i < cfg.nLayer; ++i) {
        const std::string l = "transformer.h." + std::to_string(i) + ".";
        BlockWeights b;
        b.ln1 = norm(l + "ln_1");
        b.attn.qkv = conv1d(l + "attn.c_attn.weight", D, 3 * D);
        b.attn.qkvBias = take(l + "attn.c_attn.bias", {3 * D});
        b.attn.out = conv1d(l + "attn.c_proj.weight", D, D);
        b.attn.outBias = take(l + "attn.c_proj.bias", {D});
        if (cfg.addCrossAttention) {
            b.lnCross = norm(l + "ln_cross_attn");
            b.cross.q = conv1d(l + "crossattention.q_attn.weight", D, D);
            b.cross.qBias = take(l + "crossattention.q_attn.bias", {D});
            b.cross.kv = conv1d(l + "crossattention.c_attn.weight", D, 2 * D);
            b.cross.kvBias = take(l + "crossattention.c_attn.bias", {2 * D});
            b.cross.out = conv1d(l + "crossattention.c_proj.weight", D, D);
            b.cross.outBias = take(l + "crossattention.c_proj.bias", {D});
        }
        b.ln2 = norm(l + "ln_2");
        b.mlp.fc1 = conv1d(l + "mlp.c_fc.weight", D, I);
        b.mlp.fc1Bias = take(l + "mlp.c_fc.bias", {I});
        b.mlp.fc2 = conv1d(l + "mlp.c_proj.weight", I, D);
        b.mlp.fc2Bias = take(l + "mlp.c_proj.bias", {D});
        b.mlp.act = act;
        d->blocks.push_back(std::move(b));
    }
    d->lnf = norm("transformer.ln_f");
    // save_pretrained stores tied weights once; a separate lm_head.weight is used when present.
    if (weights.count("lm_head.weight"))
        d->lmHead = makeLinearWeight(take("lm_head.weight", {V, D}));
    else
        d->lmHead = makeLinearWeight(d->wte);
    d->weightBytes += d->lmHead.bytes();
    for (const auto& [name, t] : weights) {
        // Older checkpoints carry the causal-mask buffers; the engine builds its own masks.
        const bool buffer =
            name.size() > 9 &&
            (name.ends_with(".attn.bias") || name.ends_with(".attn.masked_bias") ||
             name.ends_with("crossattention.bias") || name.ends_with("crossattention.masked_bias"));
        if (!buffer)
            throw Error(source,
                        "unexpected tensor '" + name + "' for GPT2LMHeadModel (is config.json right?)");
    }
    Gpt2Model m;
    m.d_ = std::move(d);
    return m;
}

namespace {

// f32 tensors are used in place (the mapping stays alive through `owner`); others are converted.
std::map<std::string, Tensor> readWeights(const Checkpoint& ckpt, const std::string& prefix,
                                          const std::string& source)
{
    auto owner = std::make_shared<Checkpoint>(ckpt);
    std::map<std::string, Tensor> weights;
    for (const std::string& full : ckpt.names()) {
        if (full.rfind(prefix, 0) != 0) continue;
        const std::string name = full.substr(prefix.size());
        const TensorView& v = ckpt.tensor(full);
        const bool aligned = reinterpret_cast<uintptr_t>(v.data) % alignof(float) == 0;
        if (v.dtype == DType::F32 && aligned)
            weights[name] = Tensor::wrap(const_cast<void*>(v.data), DType::F32, v.shape, owner);
        else if (isFloating(v.dtype))
            weights[name] = Tensor::fromF32(v.shape, ckpt.toF32(full));
        else if (name.ends_with(".attn.bias") || name.ends_with(".masked_bias"))
            continue; // bool/uint8 mask buffers of old checkpoints
        else
            throw Error(ckpt.files().empty() ? source : ckpt.files().front().string(),
                        "tensor '" + full + "' has non-float dtype " + std::string(dtypeName(v.dtype)));
    }
    return weights;
}

} // namespace

Gpt2Model Gpt2Model::fromCheckpoint(const Checkpoint& ckpt)
{
    const std::string source = (ckpt.folder() / "config.json").string();
    const Gpt2Config cfg = Gpt2Config::fromJson(ckpt.config(), source);
    const std::string first = cfg.architectures.empty() ? "" : cfg.architectures.front();
    if (!(first == "GPT2LMHeadModel" || (first.empty() && cfg.modelType == "gpt2")))
        throw Error(source, "architecture '" + (first.empty() ? cfg.modelType : first) +
                                "' is not supported by the GPT-2 engine (supported: GPT2LMHeadModel)");
    const WeightFormatScope format(ckpt.linearWeightFormat()); // read where the layers pack
    Gpt2Model m = fromTensors(cfg, readWeights(ckpt, "", source), ckpt.folder().string());
    m.setScheduler(std::make_shared<Scheduler>(
        ckpt.engineOptions().backend, ckpt.linearWeightFormat().precision, ckpt.linearWeightFormatNote()));
    return m;
}

Gpt2Model Gpt2Model::fromCheckpoint(const Checkpoint& ckpt, const std::string& prefix,
                                    const nlohmann::json& config)
{
    const std::string source = (ckpt.folder() / "config.json").string();
    const Gpt2Config cfg = Gpt2Config::fromJson(config, source + " (" + prefix + ")");
    const WeightFormatScope format(ckpt.linearWeightFormat()); // read where the layers pack
    Gpt2Model m =
        fromTensors(cfg, readWeights(ckpt, prefix, source), ckpt.folder().string() + " (" + prefix + ")");
    m.setScheduler(std::make_shared<Scheduler>(
        ckpt.engineOptions().backend, ckpt.linearWeightFormat().precision, ckpt.linearWeightFormatNote()));
    return m;
}

Scheduler& Gpt2Model::scheduler() const
{
    return *d_->scheduler;
}

void Gpt2Model::setScheduler(std::shared_ptr<Scheduler> scheduler)
{
    d_->scheduler = std::move(scheduler);
}

const Gpt2Config& Gpt2Model::config() const
{
    return d_->cfg;
}
int64_t Gpt2Model::parameterCount() const
{
    return d_->paramCount;
}
size_t Gpt2Model::weightBytes() const
{
    return d_->weightBytes;
}
const GraphCache& Gpt2Model::graphCache() const
{
    return d_->cache;
}

Graph Gpt2Model::Impl::build(int64_t B, int64_t n, int64_t past, int64_t capacity, int64_t encTokens,
                             const Gpt2RunOptions& o, bool encoderInput) const
{
    const int64_t D = cfg.nEmbd, H = cfg.nHead, hd = D / H;
    Graph g;
    NodeId h = tokenPositionEmbedding(g, B, n, D);
    const NodeId encoder = encoderInput ? g.input("encoder_states", {B, encTokens, D}) : -1;
    const NodeId pastMask = past > 0 ? g.input("past_mask", {1, 1, 1, past}) : -1;
    for (size_t i = 0; i < blocks.size(); ++i) {
        const std::string p = "blk." + std::to_string(i) + ".";
        BlockSpec s;
        s.norm = NormPlacement::Pre;
        s.eps = cfg.layerNormEpsilon;
        s.attn.heads = H;
        s.attn.causal = true;
        s.attn.exportKeyValues = capacity > 0;
        if (past > 0) {
            s.attn.past.k = g.input(p + "past_k", {B, H, capacity, hd});
            s.attn.past.v = g.input(p + "past_v", {B, H, capacity, hd});
            s.attn.past.length = past;
            s.attn.past.mask = pastMask;
        }
        if (blocks[i].cross.defined() && encoder >= 0) {
            s.cross = crossKeyValues(g, encoder, blocks[i].cross, H, p);
        } else if (blocks[i].cross.defined()) {
            s.cross.k = g.input(p + "cross_k", {B, H, encTokens, hd});
            s.cross.v = g.input(p + "cross_v", {B, H, encTokens, hd});
        }
        h = transformerBlock(g, h, blocks[i], s, p);
        if (capacity > 0) {
            g.keep(g.find(p + "k_new"));
            g.keep(g.find(p + "v_new"));
        }
    }
    auto w = [&](const std::string& name, const Tensor& t) { return weightNode(g, name, t); };
    NodeId last = (o.allLogits || o.hiddenStates || n == 1) ? h : g.cont(g.slice(h, 1, n - 1, n));
    NodeId normed =
        g.name(g.layerNorm(last, w("lnf.w", lnf.w), w("lnf.b", lnf.b), cfg.layerNormEpsilon), "final_norm");
    if (!o.allLogits && n > 1 && last == h) normed = g.cont(g.slice(normed, 1, n - 1, n));
    g.keep(g.name(g.linear(normed, linearNode(g, "lm_head.w", lmHead)), "logits"));
    std::vector<std::string> patterns = o.observe;
    if (o.hiddenStates) patterns.insert(patterns.end(), {"embed.out", "blk.*.out", "final_norm"});
    if (o.attentions) patterns.push_back("blk.*.attn_probs");
    if (o.crossAttentions) patterns.push_back("blk.*.cross_probs");
    g.keepMatching([&](const std::string& name) {
        for (const auto& pat : patterns)
            if (globMatch(pat, name)) return true;
        return false;
    });
    return g;
}

Gpt2Output Gpt2Model::Impl::run(KvCache* kv, const std::vector<std::vector<int64_t>>& ids,
                                const Gpt2RunOptions& o) const
{
    const int64_t B = int64_t(ids.size());
    if (B == 0 || ids.front().empty()) throw Error("gpt2", "no tokens to run");
    const int64_t n = int64_t(ids.front().size());
    for (const auto& row : ids)
        if (int64_t(row.size()) != n) throw Error("gpt2", "every row of a batch must have the same length");
    const int64_t filled = kv ? kv->length() : 0, capacity = kv ? kv->capacity() : 0;
    // Decoding steps read the cache up to a length rounded up to kPastBucket (the unfilled slots masked),
    // so one graph, plan and set of GEMM primitives serves kPastBucket steps instead of being rebuilt at
    // every step. Observed attentions need their exact width, so observing turns this off.
    const bool exact = o.attentions || !o.observe.empty();
    const int64_t past = filled == 0 || exact
                             ? filled
                             : std::min(capacity, (filled + kPastBucket - 1) / kPastBucket * kPastBucket);
    if (kv && kv->batch() != B)
        throw Error("gpt2", "the cache holds " + std::to_string(kv->batch()) + " rows, the step has " +
                                std::to_string(B));
    if (filled + n > cfg.nPositions)
        throw Error("gpt2", std::to_string(filled + n) + " positions exceed the model's n_positions (" +
                                std::to_string(cfg.nPositions) + ")");
    if (kv && filled + n > capacity)
        throw Error("gpt2", std::to_string(filled + n) + " positions exceed the cache's capacity (" +
                                std::to_string(capacity) + ")");
    const bool cross = !blocks.empty() && blocks.front().cross.defined();
    if (cross && (!kv || kv->crossKeys.empty()))
        throw Error("gpt2", "this decoder has cross-attention: set the encoder states on the cache first");
    const int64_t encTokens = cross ? kv->crossKeys.front().size(2) : 0;
    std::string key = std::to_string(B) + "x" + std::to_string(n) + "@" + std::to_string(past) + "/" +
                      std::to_string(capacity) + "e" + std::to_string(encTokens) +
                      (o.hiddenStates ? "H" : "-") + (o.attentions ? "A" : "-") +
                      (o.crossAttentions ? "C" : "-") + (o.allLogits ? "L" : "-");
    for (const auto& s : o.observe)
        key += "|" + s;

    std::vector<int64_t> flat, positions;
    for (const auto& row : ids)
        for (int64_t i = 0; i < n; ++i) {
            flat.push_back(row[size_t(i)]);
            positions.push_back(filled + i);
        }
    const int64_t D = cfg.nEmbd;
    GraphRun run;
    run.observe = o.onObserved;
    run.inputs["token_embeds"] = gatherRows(wte, flat, source + ": token ids").reshape({B, n, D});
    run.inputs["position_embeds"] = gatherRows(wpe, positions, source + ": positions").reshape({B, n, D});
    if (past > 0) {
        std::vector<float> mask(size_t(past), 0.f);
        for (int64_t j = filled; j < past; ++j)
            mask[size_t(j)] = std::numeric_limits<float>::lowest();
        run.inputs["past_mask"] = Tensor::fromF32({1, 1, 1, past}, mask);
    }
    for (size_t i = 0; kv && i < blocks.size(); ++i) {
        const std::string p = "blk." + std::to_string(i) + ".";
        if (past > 0) {
            run.inputs[p + "past_k"] = kv->keys(int64_t(i));
            run.inputs[p + "past_v"] = kv->values(int64_t(i));
        }
        if (cross) {
            run.inputs[p + "cross_k"] = kv->crossKeys[i];
            run.inputs[p + "cross_v"] = kv->crossValues[i];
        }
    }
    scheduler->run(
        cache, key, [&] { return build(B, n, past, capacity, encTokens, o); }, run);
    if (kv) {
        for (size_t i = 0; i < blocks.size(); ++i) {
            const std::string p = "blk." + std::to_string(i) + ".";
            kv->write(int64_t(i), run.kept.at(p + "k_new"), run.kept.at(p + "v_new"));
            run.kept.erase(p + "k_new");
            run.kept.erase(p + "v_new");
        }
        kv->advance(n);
    }
    Gpt2Output out;
    out.logits = run.kept.at("logits");
    run.kept.erase("logits");
    const size_t L = blocks.size();
    if (o.hiddenStates) {
        out.hiddenStates.push_back(run.kept.at("embed.out"));
        for (size_t i = 0; i + 1 < L; ++i)
            out.hiddenStates.push_back(run.kept.at("blk." + std::to_string(i) + ".out"));
        out.hiddenStates.push_back(run.kept.at("final_norm"));
    }
    for (size_t i = 0; o.attentions && i < L; ++i)
        out.attentions.push_back(run.kept.at("blk." + std::to_string(i) + ".attn_probs"));
    for (size_t i = 0; o.crossAttentions && i < L; ++i)
        out.crossAttentions.push_back(run.kept.at("blk." + std::to_string(i) + ".cross_probs"));
    out.observed = std::move(run.kept);
    return out;
}

Gpt2Output Gpt2Model::forward(const std::vector<std::vector<int64_t>>& ids, const Gpt2RunOptions& o) const
{
    return d_->run(nullptr, ids, o);
}

KvCache Gpt2Model::newCache(int64_t batch, int64_t capacity) const
{
    const Gpt2Config& c = d_->cfg;
    if (capacity <= 0 || capacity > c.nPositions)
        throw Error("gpt2", "a cache of " + std::to_string(capacity) + " positions (the model has " +
                                std::to_string(c.nPositions) + ")");
    return KvCache(c.nLayer, batch, c.nHead, capacity, c.headDim());
}

void Gpt2Model::setEncoderStates(KvCache& kv, const Tensor& enc) const
{
    const Gpt2Config& c = d_->cfg;
    if (!c.addCrossAttention) throw Error("gpt2", "this model has no cross-attention (add_cross_attention)");
    if (enc.dim() != 3 || enc.size(2) != c.nEmbd)
        throw Error("gpt2", "encoder states must be [batch, tokens, " + std::to_string(c.nEmbd) + "], got " +
                                shapeString(enc.shape()));
    computeCrossKeyValues(kv, enc, d_->blocks, c.nHead, *d_->scheduler);
}

DecoderTokenGradients Gpt2Model::tokenGradients(const std::vector<int64_t>& ids, const Tensor& encoderStates,
                                                int64_t target) const
{
    const Gpt2Config& c = d_->cfg;
    if (!c.addCrossAttention) throw Error("gpt2", "token gradients need a decoder with cross-attention");
    const int64_t n = int64_t(ids.size());
    if (n == 0 || n > c.nPositions)
        throw Error("gpt2", "token gradients need 1.." + std::to_string(c.nPositions) +
                                " forced tokens, got " + std::to_string(n));
    if (encoderStates.dim() != 3 || encoderStates.size(0) != 1 || encoderStates.size(2) != c.nEmbd)
        throw Error("gpt2", "encoder states must be [1, tokens, " + std::to_string(c.nEmbd) + "], got " +
                                shapeString(encoderStates.shape()));
    Gpt2RunOptions o;
    o.allLogits = false;
    const Graph g = d_->build(1, n, 0, 0, encoderStates.size(1), o, true);
    std::vector<int64_t> positions(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
        positions[size_t(i)] = i;
    std::map<std::string, Tensor> inputs;
    inputs["token_embeds"] = gatherRows(d_->wte, ids, d_->source + ": token ids").reshape({1, n, c.nEmbd});
    inputs["position_embeds"] =
        gatherRows(d_->wpe, positions, d_->source + ": positions").reshape({1, n, c.nEmbd});
    inputs["encoder_states"] = encoderStates.contiguous();
    DecoderTokenGradients out =
        decoderTokenGradients(g, inputs, c.nLayer, target, "gpt2", d_->scheduler.get());
    return out;
}

Gpt2Output Gpt2Model::step(KvCache& cache, const std::vector<std::vector<int64_t>>& ids,
                           const Gpt2RunOptions& o) const
{
    return d_->run(&cache, ids, o);
}

} // namespace loupe::compute
