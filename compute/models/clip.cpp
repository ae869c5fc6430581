// SPDX-License-Identifier: MIT
#include "compute/models/clip.h"

#include "compute/backend/backend.h"
#include "compute/backend/scheduler.h"
#include "compute/error.h"
#include "compute/graph/graph_cache.h"
#include "compute/io/checkpoint.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

namespace loupe::compute {

namespace {

// A linear layer's weight [N, K]: plain, or only in the GEMM's packed layout once packed at load.
struct LinearWeight
{
    Tensor w;
    std::shared_ptr<const PackedWeight> packed;
};

// One pre-LN encoder layer. Query, key and value are fused into one [3D, D] GEMM as the ViT does: the
// heads are strided views of its output.
struct Layer
{
    Tensor ln1w, ln1b, qkvb, ob, ln2w, ln2b, fc1b, fc2b;
    LinearWeight qkvw, ow, fc1w, fc2w;
};

struct Tower
{
    std::vector<Layer> layers;
    Activation act = Activation::QuickGelu;
    double eps = 1e-5;
    int64_t hidden = 0, heads = 0;
};

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

// Builds the pieces of one graph: weights named once, linear weights packed or plain.
struct Builder
{
    Graph g;

    NodeId w(const std::string& name, const Tensor& t)
    {
        return t.defined() && t.numel() ? g.weight(name, t) : -1;
    }
    NodeId lw(const std::string& name, const LinearWeight& l)
    {
        return l.packed ? g.packedWeight(name, l.packed) : w(name, l.w);
    }

    // CLIPEncoderLayer: h + attn(ln1(h)), then + mlp(ln2(.)). `mask` (additive, broadcast over heads) is
    // added to the scores before the softmax; -1 for none.
    NodeId block(NodeId h, const Tower& t, size_t i, const std::string& p, int64_t B, int64_t N, NodeId mask)
    {
        const Layer& L = t.layers[i];
        const int64_t D = t.hidden, heads = t.heads, hd = D / heads, D3 = 3 * D;
        NodeId a = g.name(g.layerNorm(h, w(p + "ln1.w", L.ln1w), w(p + "ln1.b", L.ln1b), t.eps), p + "ln1");
        NodeId qkv = g.name(g.linear(a, lw(p + "qkv.w", L.qkvw), w(p + "qkv.b", L.qkvb)), p + "qkv");
        NodeId qh = g.asStrided(qkv, {B, heads, N, hd}, {N * D3, hd, D3, 1}, 0);
        NodeId kt = g.asStrided(qkv, {B, heads, hd, N}, {N * D3, hd, 1, D3}, D);
        NodeId vh = g.asStrided(qkv, {B, heads, N, hd}, {N * D3, hd, D3, 1}, 2 * D);
        NodeId scores = g.matmul(qh, kt);
        if (mask >= 0) scores = g.add(scores, mask);
        g.name(scores, p + "attn_scores");
        // transformers scales the queries before the product; the same value up to float rounding.
        NodeId probs = g.name(g.softmax(scores, 1.0 / std::sqrt(double(hd))), p + "attn_probs");
        NodeId ctx = g.matmul(probs, vh);
        ctx = g.name(g.reshape(g.permute(ctx, {0, 2, 1, 3}), {B, N, D}), p + "attn_ctx");
        h = g.name(g.linear(ctx, lw(p + "o.w", L.ow), w(p + "o.b", L.ob), Activation::None, h),
                   p + "attn_res");
        NodeId b = g.name(g.layerNorm(h, w(p + "ln2.w", L.ln2w), w(p + "ln2.b", L.ln2b), t.eps), p + "ln2");
        NodeId m = g.name(g.linear(b, lw(p + "fc1.w", L.fc1w), w(p + "fc1.b", L.fc1b), t.act), p + "mlp_act");
        return g.name(g.linear(m, lw(p + "fc2.w", L.fc2w), w(p + "fc2.b", L.fc2b), Activation::None, h),
                      p + "out");
    }

    void observe(const std::string& tower, const ClipRunOptions& o)
    {
        g.keepMatching([&](const std::string& name) {
            if (name.rfind(tower, 0) != 0) return false;
            const std::string rest = name.substr(tower.size());
            return (o.hiddenStates && (rest == "embed.out" || globMatch("blk.*.out", rest))) ||
                   (o.attentions && globMatch("blk.*.attn_probs", rest));
        });
    }
};

std::string optionsKey(const ClipRunOptions& o)
{
    return std::string(o.hiddenStates ? "H" : "-") + (o.attentions ? "A" : "-");
}

void collect(std::map<std::string, Tensor>& kept, const std::string& tower, int64_t layers,
             const ClipRunOptions& o, std::vector<Tensor>& hidden, std::vector<Tensor>& attn)
{
    if (o.hiddenStates) {
        hidden.push_back(kept.at(tower + "embed.out"));
        for (int64_t i = 0; i < layers; ++i)
            hidden.push_back(kept.at(tower + "blk." + std::to_string(i) + ".out"));
    }
    if (o.attentions)
        for (int64_t i = 0; i < layers; ++i)
            attn.push_back(kept.at(tower + "blk." + std::to_string(i) + ".attn_probs"));
}

} // namespace

struct ClipModel::Impl
{
    ClipConfig cfg;
    Tower vision, text;
    Tensor classEmbed, visionPos, preLnW, preLnB, postLnW, postLnB;
    LinearWeight patchW, visualProj;
    Tensor tokenEmbed, textPos, finalLnW, finalLnB;
    LinearWeight textProj;
    float logitScale = 1.0f;
    int64_t paramCount = 0;
    mutable GraphCache cache;
    // Where the graphs run: the checkpoint's backend choice.
    std::shared_ptr<Scheduler> scheduler = std::make_shared<Scheduler>();

    Graph buildVision(const Shape& px, const ClipRunOptions& o) const;
    Graph buildText(int64_t T, int64_t L, const ClipRunOptions& o) const;
};

ClipTextBatch ClipTextBatch::pad(const std::vector<std::vector<int64_t>>& texts, int64_t padId)
{
    if (texts.empty()) throw Error("clip", "no texts to encode");
    ClipTextBatch b;
    b.count = int64_t(texts.size());
    for (size_t i = 0; i < texts.size(); ++i) {
        if (texts[i].empty()) throw Error("clip", "text " + std::to_string(i + 1) + " has no tokens");
        b.length = std::max(b.length, int64_t(texts[i].size()));
    }
    b.ids.assign(size_t(b.count * b.length), padId);
    b.mask.assign(size_t(b.count * b.length), 0);
    for (size_t i = 0; i < texts.size(); ++i)
        for (size_t j = 0; j < texts[i].size(); ++j) {
            b.ids[i * size_t(b.length) + j] = texts[i][j];
            b.mask[i * size_t(b.length) + j] = 1;
        }
    return b;
}

std::vector<std::string> ClipModel::supportedArchitectures()
{
    return {"CLIPModel"};
}

ClipModel ClipModel::fromCheckpoint(const Checkpoint& ckpt)
{
    const std::string source = (ckpt.folder() / "config.json").string();
    const ClipConfig cfg = ClipConfig::fromJson(ckpt.config(), source);
    const std::string first = cfg.architectures.empty() ? "" : cfg.architectures.front();
    if (!(first == "CLIPModel" || (first.empty() && cfg.modelType == "clip")))
        throw Error(source, "architecture '" + (first.empty() ? cfg.modelType : first) +
                                "' is not supported by the CLIP engine (supported: CLIPModel)");
    const std::string where = ckpt.folder().string();
    auto d = std::make_shared<Impl>();
    d->cfg = cfg;
    auto owner = std::make_shared<Checkpoint>(ckpt);
    const std::vector<std::string> names = ckpt.names();
    std::set<std::string> unused(names.begin(), names.end()); // what is left after loading was not used

    auto take = [&](const std::string& name, const Shape& shape) -> Tensor {
        const TensorView* v = ckpt.find(name);
        if (!v) throw Error(where, "missing tensor '" + name + "' required by CLIPModel");
        if (v->shape != shape)
            throw Error(where, "tensor '" + name + "' has shape " + shapeString(v->shape) + ", expected " +
                                   shapeString(shape) + " from config.json");
        if (!isFloating(v->dtype))
            throw Error(where,
                        "tensor '" + name + "' has non-float dtype " + std::string(dtypeName(v->dtype)));
        unused.erase(name);
        d->paramCount += shapeNumel(shape);
        const bool aligned = reinterpret_cast<uintptr_t>(v->data) % alignof(float) == 0;
        if (v->dtype == DType::F32 && aligned)
            return Tensor::wrap(const_cast<void*>(v->data), DType::F32, v->shape, owner);
        return Tensor::fromF32(v->shape, toF32(*v));
    };
    auto linearW = [&](const Tensor& plainIn) {
        LinearWeight lw;
        const Tensor plain = plainIn.contiguous();
        const int64_t n = plain.size(0), k = plain.numel() / n;
        lw.packed = packLinearWeight(plain.ptr<float>(), n, k, k, ckpt.linearWeightFormat());
        if (!lw.packed) lw.w = plainIn;
        return lw;
    };
    auto tower = [&](Tower& t, const std::string& pre, int64_t D, int64_t I, int64_t layers, int64_t heads,
                     const std::string& act, double eps) {
        t.hidden = D;
        t.heads = heads;
        t.act = activationFromName(act);
        t.eps = eps;
        for (int64_t i = 0; i < layers; ++i) {
            const std::string l = pre + "encoder.layers." + std::to_string(i) + ".";
            Layer L;
            L.ln1w = take(l + "layer_norm1.weight", {D});
            L.ln1b = take(l + "layer_norm1.bias", {D});
            L.qkvw = linearW(concatRows({take(l + "self_attn.q_proj.weight", {D, D}),
                                         take(l + "self_attn.k_proj.weight", {D, D}),
                                         take(l + "self_attn.v_proj.weight", {D, D})}));
            L.qkvb =
                concatRows({take(l + "self_attn.q_proj.bias", {D}), take(l + "self_attn.k_proj.bias", {D}),
                            take(l + "self_attn.v_proj.bias", {D})});
            L.ow = linearW(take(l + "self_attn.out_proj.weight", {D, D}));
            L.ob = take(l + "self_attn.out_proj.bias", {D});
            L.ln2w = take(l + "layer_norm2.weight", {D});
            L.ln2b = take(l + "layer_norm2.bias", {D});
            L.fc1w = linearW(take(l + "mlp.fc1.weight", {I, D}));
            L.fc1b = take(l + "mlp.fc1.bias", {I});
            L.fc2w = linearW(take(l + "mlp.fc2.weight", {D, I}));
            L.fc2b = take(l + "mlp.fc2.bias", {D});
            t.layers.push_back(std::move(L));
        }
    };

    const ClipVisionConfig& vc = cfg.vision;
    const int64_t Dv = vc.hiddenSize, P = vc.patchSize, E = cfg.projectionDim;
    d->classEmbed = take("vision_model.embeddings.class_embedding", {Dv});
    d->patchW = linearW(take("vision_model.embeddings.patch_embedding.weight", {Dv, vc.numChannels, P, P}));
    d->visionPos = take("vision_model.embeddings.position_embedding.weight", {vc.numPositions(), Dv})
                       .reshape({1, vc.numPositions(), Dv});
    d->preLnW = take("vision_model.pre_layrnorm.weight", {Dv});
    d->preLnB = take("vision_model.pre_layrnorm.bias", {Dv});
    tower(d->vision, "vision_model.", Dv, vc.intermediateSize, vc.numHiddenLayers, vc.numAttentionHeads,
          vc.hiddenAct, vc.layerNormEps);
    d->postLnW = take("vision_model.post_layernorm.weight", {Dv});
    d->postLnB = take("vision_model.post_layernorm.bias", {Dv});
    d->visualProj = linearW(take("visual_projection.weight", {E, Dv}));

    const ClipTextConfig& tc = cfg.text;
    const int64_t Dt = tc.hiddenSize;
    d->tokenEmbed = take("text_model.embeddings.token_embedding.weight", {tc.vocabSize, Dt});
    d->textPos = take("text_model.embeddings.position_embedding.weight", {tc.maxPositionEmbeddings, Dt})
                     .reshape({1, tc.maxPositionEmbeddings, Dt});
    tower(d->text, "text_model.", Dt, tc.intermediateSize, tc.numHiddenLayers, tc.numAttentionHeads,
          tc.hiddenAct, tc.layerNormEps);
    d->finalLnW = take("text_model.final_layer_norm.weight", {Dt});
    d->finalLnB = take("text_model.final_layer_norm.bias", {Dt});
    d->textProj = linearW(take("text_projection.weight", {E, Dt}));

    const Tensor scale = take("logit_scale", {});
    const float raw = scale.toF32Vector().front();
    if (!std::isfinite(raw) || raw > 20.f)
        throw Error(where, "logit_scale " + std::to_string(raw) + " is not a usable log temperature");
    d->logitScale = std::exp(raw);

    // Buffers older checkpoints carry; the forward pass never reads them.
    unused.erase("text_model.embeddings.position_ids");
    unused.erase("vision_model.embeddings.position_ids");
    if (!unused.empty())
        throw Error(where,
                    "unexpected tensor '" + *unused.begin() + "' for CLIPModel (is config.json right?)");
    d->scheduler = std::make_shared<Scheduler>(
        ckpt.engineOptions().backend, ckpt.linearWeightFormat().precision, ckpt.linearWeightFormatNote());
    ClipModel m;
    m.d_ = std::move(d);
    return m;
}

const ClipConfig& ClipModel::config() const
{
    return d_->cfg;
}
float ClipModel::logitScale() const
{
    return d_->logitScale;
}
int64_t ClipModel::parameterCount() const
{
    return d_->paramCount;
}

Graph ClipModel::Impl::buildVision(const Shape& px, const ClipRunOptions& o) const
{
    const ClipVisionConfig& vc = cfg.vision;
    if (px.size() != 4 || px[1] != vc.numChannels || px[2] != vc.imageSize || px[3] != vc.imageSize)
        throw Error("clip", "pixel_values must be [batch, " + std::to_string(vc.numChannels) + ", " +
                                std::to_string(vc.imageSize) + ", " + std::to_string(vc.imageSize) +
                                "], got " + shapeString(px));
    const int64_t B = px[0], D = vc.hiddenSize, N = vc.numPositions();
    Builder b;
    Graph& g = b.g;
    NodeId x = g.input("pixel_values", px);
    NodeId patches = g.patchEmbed(x, b.lw("vision.patch.w", patchW), -1, vc.patchSize);
    NodeId cls = g.asStrided(b.w("vision.cls", classEmbed), {B, 1, D}, {0, 0, 1}, 0);
    NodeId h = g.add(g.concat(cls, patches, 1), b.w("vision.pos", visionPos));
    h = g.name(g.layerNorm(h, b.w("vision.pre.w", preLnW), b.w("vision.pre.b", preLnB), vision.eps),
               "vision.embed.out");
    for (size_t i = 0; i < vision.layers.size(); ++i)
        h = b.block(h, vision, i, "vision.blk." + std::to_string(i) + ".", B, N, -1);
    NodeId cls1 = g.reshape(g.slice(h, 1, 0, 1), {B, D});
    NodeId pooled =
        g.name(g.layerNorm(cls1, b.w("vision.post.w", postLnW), b.w("vision.post.b", postLnB), vision.eps),
               "vision.post_norm");
    g.keep(g.name(g.linear(pooled, b.lw("visual_proj.w", visualProj)), "image_proj"));
    b.observe("vision.", o);
    return std::move(g);
}

Graph ClipModel::Impl::buildText(int64_t T, int64_t L, const ClipRunOptions& o) const
{
    const int64_t D = text.hidden;
    Builder b;
    Graph& g = b.g;
    // Token embeddings are gathered on the host (the graph has no gather); positions are a slice.
    NodeId tokens = g.input("text.tokens", {T, L, D});
    NodeId pos = g.slice(b.w("text.pos", textPos), 1, 0, L);
    NodeId h = g.name(g.add(tokens, pos), "text.embed.out");
    NodeId mask = g.input("text.mask", {T, 1, L, L});
    for (size_t i = 0; i < text.layers.size(); ++i)
        h = b.block(h, text, i, "text.blk." + std::to_string(i) + ".", T, L, mask);
    // Pooling as a one-hot [T, 1, L] x [T, L, D] product: the LayerNorm is per position, so taking the row
    // first and normalising it equals the library's normalise-then-index.
    NodeId row = g.matmul(g.input("text.pool", {T, 1, L}), h);
    NodeId pooled = g.name(g.layerNorm(g.reshape(row, {T, D}), b.w("text.final.w", finalLnW),
                                       b.w("text.final.b", finalLnB), text.eps),
                           "text.final_norm");
    g.keep(g.name(g.linear(pooled, b.lw("text_proj.w", textProj)), "text_proj"));
    b.observe("text.", o);
    return std::move(g);
}

Graph ClipModel::buildVisionGraph(const Shape& px, const ClipRunOptions& o) const
{
    return d_->buildVision(px, o);
}

ClipImageOutput ClipModel::encodeImage(const Tensor& pixelValues, const ClipRunOptions& o) const
{
    const Shape& px = pixelValues.shape();
    GraphRun run;
    run.inputs["pixel_values"] = pixelValues.dtype() == DType::F32 ? pixelValues : pixelValues.to(DType::F32);
    d_->scheduler->run(
        d_->cache, "V" + shapeString(px) + optionsKey(o), [&] { return d_->buildVision(px, o); }, run);
    ClipImageOutput out;
    out.projected = run.kept.at("image_proj");
    out.embeds = l2Normalized(out.projected);
    collect(run.kept, "vision.", d_->cfg.vision.numHiddenLayers, o, out.hiddenStates, out.attentions);
    return out;
}

std::vector<int64_t> ClipModel::poolPositions(const ClipTextBatch& batch) const
{
    const int64_t eos = d_->cfg.text.eosTokenId;
    std::vector<int64_t> at(size_t(batch.count), 0);
    for (int64_t t = 0; t < batch.count; ++t) {
        const int64_t* row = batch.ids.data() + t * batch.length;
        int64_t best = 0;
        for (int64_t j = 0; j < batch.length; ++j) {
            // torch.argmax returns the first of equal maxima.
            if (eos == 2 ? row[j] > row[best] : row[j] == eos) {
                best = j;
                if (eos != 2) break;
            }
        }
        at[size_t(t)] = best;
    }
    return at;
}

ClipTextOutput ClipModel::encodeText(const ClipTextBatch& batch, const ClipRunOptions& o) const
{
    const ClipTextConfig& tc = d_->cfg.text;
    const int64_t T = batch.count, L = batch.length, D = tc.hiddenSize;
    if (T <= 0 || L <= 0 || int64_t(batch.ids.size()) != T * L || int64_t(batch.mask.size()) != T * L)
        throw Error("clip", "text batch is empty or its ids and mask do not match its shape");
    if (L > tc.maxPositionEmbeddings)
        throw Error("clip", "a text of " + std::to_string(L) + " tokens is longer than the model's " +
                                std::to_string(tc.maxPositionEmbeddings) +
                                " positions (max_position_embeddings)");
    Tensor tokens = Tensor::empty(DType::F32, {T, L, D});
    const Tensor table = d_->tokenEmbed.contiguous();
    for (int64_t i = 0; i < T * L; ++i) {
        const int64_t id = batch.ids[size_t(i)];
        if (id < 0 || id >= tc.vocabSize)
            throw Error("clip", "token id " + std::to_string(id) + " is outside the vocabulary of " +
                                    std::to_string(tc.vocabSize));
        std::copy_n(table.ptr<float>() + id * D, D, tokens.ptr<float>() + i * D);
    }
    // Causal mask plus key padding, additive as the library builds them: the lowest float where a key is
    // hidden, so the softmax gives it (practically) zero weight.
    const float hidden = std::numeric_limits<float>::lowest();
    std::vector<float> mask(size_t(T * L * L), 0.f);
    for (int64_t t = 0; t < T; ++t)
        for (int64_t q = 0; q < L; ++q)
            for (int64_t k = 0; k < L; ++k)
                if (k > q || batch.mask[size_t(t * L + k)] == 0) mask[size_t((t * L + q) * L + k)] = hidden;
    ClipTextOutput out;
    out.poolPositions = poolPositions(batch);
    std::vector<float> pool(size_t(T * L), 0.f);
    for (int64_t t = 0; t < T; ++t)
        pool[size_t(t * L + out.poolPositions[size_t(t)])] = 1.f;

    GraphRun run;
    run.inputs["text.tokens"] = tokens;
    run.inputs["text.mask"] = Tensor::fromF32({T, 1, L, L}, mask);
    run.inputs["text.pool"] = Tensor::fromF32({T, 1, L}, pool);
    d_->scheduler->run(
        d_->cache, "T" + std::to_string(T) + "x" + std::to_string(L) + optionsKey(o),
        [&] { return d_->buildText(T, L, o); }, run);
    out.projected = run.kept.at("text_proj");
    out.embeds = l2Normalized(out.projected);
    collect(run.kept, "text.", tc.numHiddenLayers, o, out.hiddenStates, out.attentions);
    return out;
}

Scheduler& ClipModel::scheduler() const
{
    return *d_->scheduler;
}

void ClipModel::setScheduler(std::shared_ptr<Scheduler> scheduler)
{
    d_->scheduler = std::move(scheduler);
}

Tensor l2Normalized(const Tensor& rowsIn)
{
    const Tensor rows = rowsIn.contiguous();
    if (rows.dim() != 2)
        throw Error("clip", "l2Normalized needs [rows, dim], got " + shapeString(rows.shape()));
    const int64_t R = rows.size(0), E = rows.size(1);
    Tensor out = Tensor::empty(DType::F32, {R, E});
    for (int64_t r = 0; r < R; ++r) {
        const float* x = rows.ptr<float>() + r * E;
        double ss = 0;
        for (int64_t e = 0; e < E; ++e)
            ss += double(x[e]) * x[e];
        const double inv = ss > 0 ? 1.0 / std::sqrt(ss) : 0.0;
        for (int64_t e = 0; e < E; ++e)
            out.ptr<float>()[r * E + e] = float(x[e] * inv);
    }
    return out;
}

ClipScores clipScores(float logitScale, const Tensor& imageEmbedsIn, const Tensor& textEmbedsIn)
{
    const Tensor img = imageEmbedsIn.contiguous(), txt = textEmbedsIn.contiguous();
    if (img.dim() != 2 || txt.dim() != 2 || img.size(1) != txt.size(1))
        throw Error("clip", "image embeddings " + shapeString(img.shape()) + " and text embeddings " +
                                shapeString(txt.shape()) + " do not match");
    const int64_t B = img.size(0), T = txt.size(0), E = img.size(1);
    ClipScores s;
    s.logitsPerImage = Tensor::empty(DType::F32, {B, T});
    s.probs = Tensor::empty(DType::F32, {B, T});
    for (int64_t b = 0; b < B; ++b) {
        float* logits = s.logitsPerImage.ptr<float>() + b * T;
        float* probs = s.probs.ptr<float>() + b * T;
        double mx = -INFINITY;
        for (int64_t t = 0; t < T; ++t) {
            double dot = 0;
            for (int64_t e = 0; e < E; ++e)
                dot += double(img.ptr<float>()[b * E + e]) * txt.ptr<float>()[t * E + e];
            logits[t] = float(logitScale * dot);
            mx = std::max(mx, double(logits[t]));
        }
        double sum = 0;
        for (int64_t t = 0; t < T; ++t)
            sum += std::exp(double(logits[t]) - mx);
        for (int64_t t = 0; t < T; ++t)
            probs[t] = float(std::exp(double(logits[t]) - mx) / sum);
    }
    return s;
}

} // namespace loupe::compute
