// SPDX-License-Identifier: MIT
#include "compute/models/vit.h"

#include "compute/backend/scheduler.h"
#include "compute/cpu_options.h"
#include "compute/error.h"
#include "compute/gemm/loading_weight_format.h"
#include "compute/io/checkpoint.h"

#include <cmath>
#include <cstdint>
#include <set>

namespace loupe::compute {

namespace {

// A linear layer's weight [N, K]: plain, or only in the GEMM's packed layout once packed at load.
struct LinearWeight
{
    Tensor w;
    std::shared_ptr<const PackedWeight> packed;
};

// Query, key and value projections are stored fused ([3D, D] weight, [3D] bias): one GEMM with
// N = 3D splits better across threads than three with N = D, and the heads are strided views of it.
struct Layer
{
    Tensor ln1w, ln1b, qkvb, ob, ln2w, ln2b, fc1b, fc2b;
    LinearWeight qkvw, ow, fc1w, fc2w;
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

int64_t specialTokens(VitModel::Arch a)
{
    return a == VitModel::Arch::DeiTForImageClassification || a == VitModel::Arch::DeiTWithTeacher ? 2 : 1;
}

std::string prefixOf(VitModel::Arch a)
{
    switch (a) {
    case VitModel::Arch::ViTForImageClassification:
        return "vit.";
    case VitModel::Arch::DeiTForImageClassification:
    case VitModel::Arch::DeiTWithTeacher:
        return "deit.";
    case VitModel::Arch::ViTModel:
        return "";
    }
    return "";
}

} // namespace

struct VitModel::Impl
{
    ViTConfig cfg;
    Arch arch = Arch::ViTForImageClassification;
    Activation act = Activation::GeluErf;
    int64_t numLabels = 0;
    Tensor clsToken, distToken, posEmbed, patchB, lnfW, lnfB, headB, distHeadB;
    LinearWeight patchW, headW, distHeadW; // distHead: DeiT with teacher
    std::vector<Layer> layers;
    int64_t paramCount = 0;
    size_t weightBytes = 0;
    mutable GraphCache cache;
    // Where the graphs run: the CPU for a model made from tensors, the checkpoint's choice otherwise.
    std::shared_ptr<Scheduler> scheduler = std::make_shared<Scheduler>();

    Graph build(const Shape& px, const VitRunOptions& o) const;
    NodeId positionEmbeddings(Graph& g, NodeId pos, int64_t gh, int64_t gw, int64_t h, int64_t w) const;
};

const char* VitModel::archName(Arch a)
{
    switch (a) {
    case Arch::ViTModel:
        return "ViTModel";
    case Arch::ViTForImageClassification:
        return "ViTForImageClassification";
    case Arch::DeiTForImageClassification:
        return "DeiTForImageClassification";
    case Arch::DeiTWithTeacher:
        return "DeiTForImageClassificationWithTeacher";
    }
    return "?";
}

std::vector<std::string> VitModel::supportedArchitectures()
{
    return {"ViTModel", "ViTForImageClassification", "DeiTModel", "DeiTForImageClassification",
            "DeiTForImageClassificationWithTeacher"};
}

VitModel VitModel::fromTensors(const ViTConfig& cfg, Arch arch, std::map<std::string, Tensor> weights,
                               const std::string& source)
{
    if (cfg.hiddenSize <= 0 || cfg.numAttentionHeads <= 0 || cfg.hiddenSize % cfg.numAttentionHeads != 0)
        throw Error(source, "hidden_size " + std::to_string(cfg.hiddenSize) + " is not divisible into " +
                                std::to_string(cfg.numAttentionHeads) + " attention heads");
    if (cfg.patchSize <= 0 || cfg.imageSize % cfg.patchSize != 0 || cfg.numHiddenLayers <= 0)
        throw Error(source, "image_size / patch_size / num_hidden_layers make no sense");
    auto d = std::make_shared<Impl>();
    d->cfg = cfg;
    d->arch = arch;
    d->act = activationFromName(cfg.hiddenAct);
    const std::string pre = prefixOf(arch);
    const int64_t D = cfg.hiddenSize, I = cfg.intermediateSize, P = cfg.patchSize, C = cfg.numChannels;

    auto take = [&](const std::string& name, const Shape& shape) -> Tensor {
        auto it = weights.find(name);
        if (it == weights.end())
            throw Error(source, std::string("missing tensor '") + name + "' required by " + archName(arch));
        if (it->second.shape() != shape)
            throw Error(source, "tensor '" + name + "' has shape " + shapeString(it->second.shape()) +
                                    ", expected " + shapeString(shape) + " from config.json");
        d->paramCount += it->second.numel();
        Tensor t = it->second.dtype() == DType::F32 ? it->second : it->second.to(DType::F32);
        d->weightBytes += t.nbytes();
        weights.erase(it); // a caller that moved its map in gets each plain copy freed once used
        return t;
    };
    // With oneDNN on, linear weights are reordered once into its blocked layout and the plain copies
    // dropped as they are packed, so the weights are held once and peak memory stays near one copy
    // (LOUPE_DISABLE_ONEDNN at load keeps them plain).
    auto linearW = [&](const Tensor& plainIn) {
        LinearWeight lw;
        lw.w = plainIn;
        const Tensor plain = plainIn.contiguous();
        const int64_t n = plain.size(0), k = plain.numel() / n;
        lw.packed = packLinearWeight(plain.ptr<float>(), n, k, k, loadingWeightFormat());
        if (lw.packed) {
            d->weightBytes = d->weightBytes - plain.nbytes() + lw.packed->bytes();
            lw.w = Tensor();
        }
        return lw;
    };
    auto takeHead = [&](const std::string& stem, LinearWeight& w, Tensor& b) {
        auto it = weights.find(stem + ".weight");
        if (it == weights.end() || it->second.dim() != 2)
            throw Error(source,
                        std::string("missing tensor '") + stem + ".weight' required by " + archName(arch));
        const int64_t labels = it->second.size(0);
        if (!cfg.id2label.empty() && labels != cfg.numLabels())
            throw Error(source, "'" + stem + ".weight' has " + std::to_string(labels) +
                                    " classes but config.json (num_labels / id2label) declares " +
                                    std::to_string(cfg.numLabels()));
        w = linearW(take(stem + ".weight", {labels, D}));
        b = take(stem + ".bias", {labels});
        d->numLabels = labels;
    };

    const int64_t special = specialTokens(arch);
    d->clsToken = take(pre + "embeddings.cls_token", {1, 1, D});
    if (special == 2) d->distToken = take(pre + "embeddings.distillation_token", {1, 1, D});
    d->posEmbed = take(pre + "embeddings.position_embeddings", {1, cfg.numPatches() + special, D});
    d->patchW = linearW(take(pre + "embeddings.patch_embeddings.projection.weight", {D, C, P, P}));
    d->patchB = take(pre + "embeddings.patch_embeddings.projection.bias", {D});
    for (int64_t i = 0; i < cfg.numHiddenLayers; ++i) {
        const std::string l = pre + "encoder.layer." + std::to_string(i) + ".";
        Layer L;
        L.ln1w = take(l + "layernorm_before.weight", {D});
        L.ln1b = take(l + "layernorm_before.bias", {D});
        L.qkvw = linearW(concatRows({take(l + "attention.attention.query.weight", {D, D}),
                                     take(l + "attention.attention.key.weight", {D, D}),
                                     take(l + "attention.attention.value.weight", {D, D})}));
        if (cfg.qkvBias)
            L.qkvb = concatRows({take(l + "attention.attention.query.bias", {D}),
                                 take(l + "attention.attention.key.bias", {D}),
                                 take(l + "attention.attention.value.bias", {D})});
        L.ow = linearW(take(l + "attention.output.dense.weight", {D, D}));
        L.ob = take(l + "attention.output.dense.bias", {D});
        L.ln2w = take(l + "layernorm_after.weight", {D});
        L.ln2b = take(l + "layernorm_after.bias", {D});
        L.fc1w = linearW(take(l + "intermediate.dense.weight", {I, D}));
        L.fc1b = take(l + "intermediate.dense.bias", {I});
        L.fc2w = linearW(take(l + "output.dense.weight", {D, I}));
        L.fc2b = take(l + "output.dense.bias", {D});
        d->layers.push_back(std::move(L));
    }
    d->lnfW = take(pre + "layernorm.weight", {D});
    d->lnfB = take(pre + "layernorm.bias", {D});
    if (arch == Arch::ViTForImageClassification || arch == Arch::DeiTForImageClassification)
        takeHead("classifier", d->headW, d->headB);
    if (arch == Arch::DeiTWithTeacher) {
        takeHead("cls_classifier", d->headW, d->headB);
        takeHead("distillation_classifier", d->distHeadW, d->distHeadB);
    }
    // transformers creates these but the forward pass of these heads never reads them.
    const std::set<std::string> unused = {pre + "embeddings.mask_token", pre + "pooler.dense.weight",
                                          pre + "pooler.dense.bias"};
    for (const auto& [name, t] : weights) // what is left was not used
        if (!unused.count(name))
            throw Error(source, "unexpected tensor '" + name + "' for " + archName(arch) +
                                    " (is config.json right?)");
    VitModel m;
    m.d_ = std::move(d);
    return m;
}

VitModel VitModel::fromCheckpoint(const Checkpoint& ckpt)
{
    const std::string source = (ckpt.folder() / "config.json").string();
    const ViTConfig cfg = ViTConfig::fromJson(ckpt.config(), source);
    Arch arch;
    const std::string first = cfg.architectures.empty() ? "" : cfg.architectures.front();
    if (first == "ViTForImageClassification")
        arch = Arch::ViTForImageClassification;
    else if (first == "ViTModel" || first == "DeiTModel")
        arch = Arch::ViTModel;
    else if (first == "DeiTForImageClassification")
        arch = Arch::DeiTForImageClassification;
    else if (first == "DeiTForImageClassificationWithTeacher")
        arch = Arch::DeiTWithTeacher;
    else if (first.empty() && cfg.modelType == "vit")
        arch = ckpt.contains("classifier.weight") ? Arch::ViTForImageClassification : Arch::ViTModel;
    else {
        std::string list;
        for (const auto& s : supportedArchitectures())
            list += (list.empty() ? "" : ", ") + s;
        throw Error(source, "architecture '" + (first.empty() ? cfg.modelType : first) +
                                "' is not supported by the ViT engine (supported: " + list + ")");
    }
    if (arch == Arch::ViTModel && first == "DeiTModel")
        throw Error(source, "DeiTModel (two special tokens, no head) is not supported yet");
    // f32 tensors are used in place (the mapping stays alive through `owner`); others are converted.
    auto owner = std::make_shared<Checkpoint>(ckpt);
    std::map<std::string, Tensor> weights;
    for (const std::string& name : ckpt.names()) {
        const TensorView& v = ckpt.tensor(name);
        const bool aligned = reinterpret_cast<uintptr_t>(v.data) % alignof(float) == 0;
        if (v.dtype == DType::F32 && aligned)
            weights[name] = Tensor::wrap(const_cast<void*>(v.data), DType::F32, v.shape, owner);
        else if (isFloating(v.dtype))
            weights[name] = Tensor::fromF32(v.shape, toF32(v));
        else
            throw Error(ckpt.files().empty() ? source : ckpt.files().front().string(),
                        "tensor '" + name + "' has non-float dtype " + std::string(dtypeName(v.dtype)));
    }
    // A ViTModel checkpoint may carry the "vit." prefix of a classification model's backbone.
    if (arch == Arch::ViTModel && ckpt.contains("vit.embeddings.cls_token")) {
        std::map<std::string, Tensor> stripped;
        for (auto& [name, t] : weights)
            if (name.rfind("vit.", 0) == 0) stripped[name.substr(4)] = t;
        weights = std::move(stripped);
    }
    const WeightFormatScope format(ckpt.linearWeightFormat()); // the precision linearW packs at
    VitModel m = fromTensors(cfg, arch, std::move(weights), ckpt.folder().string());
    m.setScheduler(std::make_shared<Scheduler>(
        ckpt.engineOptions().backend, ckpt.linearWeightFormat().precision, ckpt.linearWeightFormatNote()));
    return m;
}

Scheduler& VitModel::scheduler() const
{
    return *d_->scheduler;
}

void VitModel::setScheduler(std::shared_ptr<Scheduler> scheduler)
{
    d_->scheduler = std::move(scheduler);
}

const ViTConfig& VitModel::config() const
{
    return d_->cfg;
}
VitModel::Arch VitModel::arch() const
{
    return d_->arch;
}
int64_t VitModel::parameterCount() const
{
    return d_->paramCount;
}
size_t VitModel::weightBytes() const
{
    return d_->weightBytes;
}
const GraphCache& VitModel::graphCache() const
{
    return d_->cache;
}

// transformers' ViTEmbeddings.interpolate_pos_encoding (4.41): the patch table is resized bicubically
// with scale factors (g + 0.1) / g0 (the +0.1 avoids an off-by-one from float rounding, DINO #8).
NodeId VitModel::Impl::positionEmbeddings(Graph& g, NodeId pos, int64_t gh, int64_t gw, int64_t h,
                                          int64_t w) const
{
    const int64_t special = specialTokens(arch);
    const int64_t numPositions = cfg.numPatches();
    if (gh * gw == numPositions && h == w) return pos;
    const int64_t D = cfg.hiddenSize;
    const double g0 = std::sqrt(double(numPositions));
    const int64_t side = int64_t(g0);
    const double sh = (double(gh) + 0.1) / g0, sw = (double(gw) + 0.1) / g0;
    const int64_t outH = int64_t(std::floor(double(side) * sh)),
                  outW = int64_t(std::floor(double(side) * sw));
    if (outH != gh || outW != gw)
        throw Error("vit", "interpolate_pos_encoding cannot reach a " + std::to_string(gh) + "x" +
                               std::to_string(gw) + " patch grid");
    NodeId patches = g.slice(pos, 1, special, special + numPositions);
    patches = g.permute(g.reshape(patches, {1, side, side, D}), {0, 3, 1, 2});
    NodeId resized = g.bicubic(g.cont(patches), outH, outW, sh, sw);
    resized = g.reshape(g.permute(resized, {0, 2, 3, 1}), {1, gh * gw, D});
    return g.concat(g.slice(pos, 1, 0, special), resized, 1);
}

Graph VitModel::Impl::build(const Shape& px, const VitRunOptions& o) const
{
    if (px.size() != 4 || px[1] != cfg.numChannels)
        throw Error("vit", "pixel_values must be [batch, " + std::to_string(cfg.numChannels) +
                               ", height, width], got " + shapeString(px));
    const int64_t B = px[0], H = px[2], W = px[3], P = cfg.patchSize;
    if (!o.interpolatePosEncoding && (H != cfg.imageSize || W != cfg.imageSize))
        throw Error("vit", "input image size (" + std::to_string(H) + "*" + std::to_string(W) +
                               ") doesn't match model (" + std::to_string(cfg.imageSize) + "*" +
                               std::to_string(cfg.imageSize) +
                               "); pass --interpolate-pos-encoding to interpolate the position embeddings, "
                               "or fix the size in preprocessor_config.json");
    if (H < P || W < P) throw Error("vit", "input " + shapeString(px) + " is smaller than one patch");
    const int64_t gh = H / P, gw = W / P, D = cfg.hiddenSize, heads = cfg.numAttentionHeads, hd = D / heads;
    const int64_t special = specialTokens(arch), N = gh * gw + special;

    Graph g;
    auto w = [&](const std::string& name, const Tensor& t) {
        return t.defined() && t.numel() ? g.weight(name, t) : -1;
    };
    auto lw = [&](const std::string& name, const LinearWeight& l) {
        return l.packed ? g.packedWeight(name, l.packed) : w(name, l.w);
    };
    NodeId x = g.input("pixel_values", px);
    NodeId patches = g.patchEmbed(x, lw("patch.w", patchW), w("patch.b", patchB), P);
    NodeId cls = g.asStrided(w("cls", clsToken), {B, 1, D}, {0, D, 1}, 0); // broadcast over the batch
    NodeId tokens =
        special == 2 ? g.concat(g.concat(cls, g.asStrided(w("dist", distToken), {B, 1, D}, {0, D, 1}, 0), 1),
                                patches, 1)
                     : g.concat(cls, patches, 1);
    NodeId pos = positionEmbeddings(g, w("pos", posEmbed), gh, gw, H, W);
    NodeId h = g.name(g.add(tokens, pos), "embed.out");

    const double scale = 1.0 / std::sqrt(double(hd));
    for (size_t i = 0; i < layers.size(); ++i) {
        const Layer& L = layers[i];
        const std::string p = "blk." + std::to_string(i) + ".";
        NodeId a = g.name(g.layerNorm(h, w(p + "ln1.w", L.ln1w), w(p + "ln1.b", L.ln1b), cfg.layerNormEps),
                          p + "ln1");
        NodeId qkv = g.name(g.linear(a, lw(p + "qkv.w", L.qkvw), w(p + "qkv.b", L.qkvb)), p + "qkv");
        // [B, N, 3D] seen as Q, V [B, heads, N, hd] and K^T [B, heads, hd, N] without copying.
        const int64_t D3 = 3 * D;
        NodeId qh = g.asStrided(qkv, {B, heads, N, hd}, {N * D3, hd, D3, 1}, 0);
        NodeId kt = g.asStrided(qkv, {B, heads, hd, N}, {N * D3, hd, 1, D3}, D);
        NodeId vh = g.asStrided(qkv, {B, heads, N, hd}, {N * D3, hd, D3, 1}, 2 * D);
        NodeId scores = g.name(g.matmul(qh, kt), p + "attn_scores");
        NodeId probs = g.name(g.softmax(scores, scale), p + "attn_probs");
        NodeId ctx = g.matmul(probs, vh); // [B, heads, N, hd]
        if (!o.headMask.empty()) ctx = g.mul(ctx, g.input(p + "head_mask", {B, heads, 1, 1}));
        ctx = g.name(g.reshape(g.permute(ctx, {0, 2, 1, 3}), {B, N, D}), p + "attn_ctx");
        h = g.name(g.linear(ctx, lw(p + "o.w", L.ow), w(p + "o.b", L.ob), Activation::None, h),
                   p + "attn_res");
        NodeId b = g.name(g.layerNorm(h, w(p + "ln2.w", L.ln2w), w(p + "ln2.b", L.ln2b), cfg.layerNormEps),
                          p + "ln2");
        NodeId m = g.name(g.linear(b, lw(p + "fc1.w", L.fc1w), w(p + "fc1.b", L.fc1b), act), p + "mlp_act");
        h = g.name(g.linear(m, lw(p + "fc2.w", L.fc2w), w(p + "fc2.b", L.fc2b), Activation::None, h),
                   p + "out");
    }
    NodeId last = g.name(g.layerNorm(h, w("lnf.w", lnfW), w("lnf.b", lnfB), cfg.layerNormEps), "final_norm");
    g.keep(last);
    if (headW.packed || (headW.w.defined() && headW.w.numel())) {
        NodeId logits = g.linear(g.slice(last, 1, 0, 1), lw("head.w", headW), w("head.b", headB));
        if (distHeadW.packed || (distHeadW.w.defined() && distHeadW.w.numel())) {
            // DeiT with teacher: the mean of the class-token and distillation-token heads.
            NodeId dist =
                g.linear(g.slice(last, 1, 1, 2), lw("dist_head.w", distHeadW), w("dist_head.b", distHeadB));
            const Tensor half = Tensor::fromF32({1}, std::vector<float>{0.5f});
            logits = g.mul(g.add(logits, dist), g.weight("half", half));
        }
        g.keep(g.name(g.reshape(logits, {B, numLabels}), "logits"));
    }
    std::vector<std::string> patterns = o.observe;
    if (o.hiddenStates) patterns.insert(patterns.end(), {"embed.out", "blk.*.out"});
    if (o.attentions) patterns.push_back("blk.*.attn_probs");
    g.keepMatching([&](const std::string& name) {
        for (const auto& pat : patterns)
            if (globMatch(pat, name)) return true;
        return false;
    });
    return g;
}

namespace {

std::string cacheKey(const Shape& px, const VitRunOptions& o)
{
    std::string k = shapeString(px) + (o.hiddenStates ? "H" : "-") + (o.attentions ? "A" : "-") +
                    (o.interpolatePosEncoding ? "I" : "-") + (o.headMask.empty() ? "-" : "M");
    for (const auto& s : o.observe)
        k += "|" + s;
    return k;
}

} // namespace

Graph VitModel::buildGraph(const Shape& px, const VitRunOptions& o) const
{
    return d_->build(px, o);
}

MemoryPlan VitModel::plan(const Shape& px, const VitRunOptions& o) const
{
    return d_->scheduler->compiled(d_->cache, cacheKey(px, o), [&] { return d_->build(px, o); })->plan;
}

VitOutput VitModel::forward(const Tensor& pixelValues, const VitRunOptions& o) const
{
    const Shape& px = pixelValues.shape();
    GraphRun run;
    run.observe = o.onObserved;
    run.inputs["pixel_values"] = pixelValues.dtype() == DType::F32 ? pixelValues : pixelValues.to(DType::F32);
    if (!o.headMask.empty()) {
        const int64_t B = px[0], L = d_->cfg.numHiddenLayers, heads = d_->cfg.numAttentionHeads;
        if (int64_t(o.headMask.size()) != B * L * heads)
            throw Error("vit", "headMask needs batch*layers*heads = " + std::to_string(B * L * heads) +
                                   " values, got " + std::to_string(o.headMask.size()));
        for (int64_t l = 0; l < L; ++l) {
            std::vector<float> m(size_t(B * heads));
            for (int64_t b = 0; b < B; ++b)
                for (int64_t h = 0; h < heads; ++h)
                    m[size_t(b * heads + h)] = o.headMask[size_t((b * L + l) * heads + h)];
            run.inputs["blk." + std::to_string(l) + ".head_mask"] = Tensor::fromF32({B, heads, 1, 1}, m);
        }
    }
    d_->scheduler->run(
        d_->cache, cacheKey(px, o), [&] { return d_->build(px, o); }, run);
    VitOutput out;
    auto take = [&](const std::string& name) {
        auto it = run.kept.find(name);
        if (it == run.kept.end()) throw Error("vit", "internal: node '" + name + "' was not kept");
        Tensor t = it->second;
        run.kept.erase(it);
        return t;
    };
    out.lastHiddenState = take("final_norm");
    if (run.kept.count("logits")) out.logits = take("logits");
    const int64_t layers = d_->cfg.numHiddenLayers;
    if (o.hiddenStates) {
        out.hiddenStates.push_back(run.kept.at("embed.out"));
        for (int64_t i = 0; i < layers; ++i)
            out.hiddenStates.push_back(run.kept.at("blk." + std::to_string(i) + ".out"));
    }
    if (o.attentions)
        for (int64_t i = 0; i < layers; ++i)
            out.attentions.push_back(run.kept.at("blk." + std::to_string(i) + ".attn_probs"));
    out.observed = std::move(run.kept);
    return out;
}

} // namespace loupe::compute
