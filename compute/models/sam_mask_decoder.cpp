// SPDX-License-Identifier: MIT
#include "compute/models/sam_mask_decoder.h"

#include "compute/error.h"
#include "compute/gemm/gemm.h"
#include "compute/models/sam_kernels.h"

#include <cstring>

namespace loupe::compute::sam {

MaskDecoder::Attention MaskDecoder::loadAttention(WeightSource& ws, const std::string& p, int64_t hidden,
                                                  int64_t internal)
{
    Attention a;
    a.q = ws.linear(p + "q_proj.weight", {internal, hidden});
    a.qb = ws.take(p + "q_proj.bias", {internal});
    a.k = ws.linear(p + "k_proj.weight", {internal, hidden});
    a.kb = ws.take(p + "k_proj.bias", {internal});
    a.v = ws.linear(p + "v_proj.weight", {internal, hidden});
    a.vb = ws.take(p + "v_proj.bias", {internal});
    a.out = ws.linear(p + "out_proj.weight", {hidden, internal});
    a.outb = ws.take(p + "out_proj.bias", {hidden});
    return a;
}

MaskDecoder::FeedForward MaskDecoder::loadFeedForward(WeightSource& ws, const std::string& p, int64_t in,
                                                      int64_t hidden, int64_t out, int64_t layers)
{
    FeedForward f;
    f.w.push_back(ws.linear(p + "proj_in.weight", {hidden, in}));
    f.b.push_back(ws.take(p + "proj_in.bias", {hidden}));
    for (int64_t i = 0; i < layers - 2; ++i) {
        f.w.push_back(ws.linear(p + "layers." + std::to_string(i) + ".weight", {hidden, hidden}));
        f.b.push_back(ws.take(p + "layers." + std::to_string(i) + ".bias", {hidden}));
    }
    f.w.push_back(ws.linear(p + "proj_out.weight", {out, hidden}));
    f.b.push_back(ws.take(p + "proj_out.bias", {out}));
    return f;
}

Tensor MaskDecoder::FeedForward::run(const Tensor& x) const
{
    Tensor h = x;
    for (size_t i = 0; i < w.size(); ++i)
        h = linear(h, w[i], b[i], i + 1 < w.size() ? Activation::Relu : Activation::None);
    return h;
}

MaskDecoder MaskDecoder::load(const SamMaskDecoderConfig& c, WeightSource& ws)
{
    MaskDecoder d;
    d.cfg_ = c;
    d.mlpAct_ = activationFromName(c.hiddenAct);
    const int64_t C = c.hiddenSize, down = C / c.attentionDownsampleRate, masks = c.numMultimaskOutputs + 1;
    const std::string p = "mask_decoder.";
    d.iouToken_ = ws.take(p + "iou_token.weight", {1, C});
    d.maskTokens_ = ws.take(p + "mask_tokens.weight", {masks, C});
    for (int64_t i = 0; i < c.numHiddenLayers; ++i) {
        const std::string l = p + "transformer.layers." + std::to_string(i) + ".";
        Block b;
        b.self = loadAttention(ws, l + "self_attn.", C, C);
        b.tokenToImage = loadAttention(ws, l + "cross_attn_token_to_image.", C, down);
        b.imageToToken = loadAttention(ws, l + "cross_attn_image_to_token.", C, down);
        Norm* norms[] = {&b.ln1, &b.ln2, &b.ln3, &b.ln4};
        for (int n = 0; n < 4; ++n) {
            norms[n]->w = ws.take(l + "layer_norm" + std::to_string(n + 1) + ".weight", {C});
            norms[n]->b = ws.take(l + "layer_norm" + std::to_string(n + 1) + ".bias", {C});
        }
        b.fc1 = ws.linear(l + "mlp.lin1.weight", {c.mlpDim, C});
        b.fc1b = ws.take(l + "mlp.lin1.bias", {c.mlpDim});
        b.fc2 = ws.linear(l + "mlp.lin2.weight", {C, c.mlpDim});
        b.fc2b = ws.take(l + "mlp.lin2.bias", {C});
        d.blocks_.push_back(std::move(b));
    }
    d.final_ = loadAttention(ws, p + "transformer.final_attn_token_to_image.", C, down);
    d.lnFinal_ = {ws.take(p + "transformer.layer_norm_final_attn.weight", {C}),
                  ws.take(p + "transformer.layer_norm_final_attn.bias", {C})};
    d.up1_ = transposedConvWeight(ws.take(p + "upscale_conv1.weight", {C, C / 4, 2, 2}));
    d.up1b_ = ws.take(p + "upscale_conv1.bias", {C / 4});
    d.up2_ = transposedConvWeight(ws.take(p + "upscale_conv2.weight", {C / 4, C / 8, 2, 2}));
    d.up2b_ = ws.take(p + "upscale_conv2.bias", {C / 8});
    d.upLn_ = {ws.take(p + "upscale_layer_norm.weight", {C / 4}),
               ws.take(p + "upscale_layer_norm.bias", {C / 4})};
    for (int64_t i = 0; i < masks; ++i)
        d.hyper_.push_back(
            loadFeedForward(ws, p + "output_hypernetworks_mlps." + std::to_string(i) + ".", C, C, C / 8, 3));
    d.iouHead_ =
        loadFeedForward(ws, p + "iou_prediction_head.", C, c.iouHeadHiddenDim, masks, c.iouHeadDepth);
    return d;
}

Tensor MaskDecoder::attendEach(const Attention& a, int64_t B, const Tensor& q, const Tensor& k,
                               const Tensor& v) const
{
    auto of = [](const Tensor& t, int64_t b) { return t.dim() == 3 ? t.select(0, b) : t; };
    const int64_t nq = q.size(-2), D = q.size(-1);
    if (B == 1)
        return linear(attention(of(q, 0), of(k, 0), of(v, 0), cfg_.numAttentionHeads), a.out, a.outb)
            .unsqueeze(0);
    Tensor ctx = Tensor::empty(DType::F32, {B, nq, D});
    for (int64_t b = 0; b < B; ++b)
        copyInto(ctx.select(0, b), attention(of(q, b), of(k, b), of(v, b), cfg_.numAttentionHeads));
    return linear(ctx, a.out, a.outb);
}

MaskDecoder::ImageContext MaskDecoder::prepare(const Tensor& image, const Tensor& imagePe,
                                               const Tensor& dense, int64_t grid) const
{
    ImageContext c;
    c.grid = grid;
    c.keys = add(image, dense);
    c.keysPe = add(c.keys, imagePe);
    if (!blocks_.empty()) {
        const Block& b = blocks_.front();
        c.tokenToImageK = linear(c.keysPe, b.tokenToImage.k, b.tokenToImage.kb);
        c.tokenToImageV = linear(c.keys, b.tokenToImage.v, b.tokenToImage.vb);
        c.imageToTokenQ = linear(c.keysPe, b.imageToToken.q, b.imageToToken.qb);
    }
    return c;
}

MaskPrediction MaskDecoder::decode(const Tensor& image, const Tensor& imagePe, const Tensor& sparse,
                                   const Tensor& dense, int64_t g, bool multimask) const
{
    const Tensor one = sparse.contiguous().reshape({1, sparse.size(0), sparse.size(1)});
    return decodeBatch(prepare(image, imagePe, dense, g), imagePe, one, multimask).front();
}

std::vector<MaskPrediction> MaskDecoder::decodeBatch(const ImageContext& context, const Tensor& imagePe,
                                                     const Tensor& sparseIn, bool multimask) const
{
    const int64_t C = cfg_.hiddenSize, masks = cfg_.numMultimaskOutputs + 1, g = context.grid;
    if (sparseIn.dim() != 3 || sparseIn.size(2) != C)
        throw Error("sam", "batched prompt embeddings must be [prompts, tokens, " + std::to_string(C) +
                               "], got " + shapeString(sparseIn.shape()));
    const Tensor sparse = sparseIn.contiguous();
    const int64_t B = sparse.size(0), n = sparse.size(1), T = 1 + masks + n;
    const double eps = cfg_.layerNormEps;
    // Per prompt: the output tokens (IoU, then one per mask) followed by its prompt tokens.
    Tensor tokens = Tensor::empty(DType::F32, {B, T, C});
    for (int64_t b = 0; b < B; ++b) {
        float* t = tokens.ptr<float>() + b * T * C;
        std::memcpy(t, iouToken_.ptr<float>(), size_t(C) * sizeof(float));
        std::memcpy(t + C, maskTokens_.ptr<float>(), size_t(masks * C) * sizeof(float));
        if (n)
            std::memcpy(t + (1 + masks) * C, sparse.ptr<float>() + b * n * C, size_t(n * C) * sizeof(float));
    }

    // keys stay [g*g, C], shared by every prompt, until the first image-to-token attention makes them
    // each prompt's own [B, g*g, C]; add() broadcasts the shared operand (the second).
    Tensor queries = tokens;
    Tensor keys = context.keys;
    for (size_t i = 0; i < blocks_.size(); ++i) {
        const Block& b = blocks_[i];
        const bool first = i == 0;
        if (first) { // the first layer skips the residual and PE
            queries = attendEach(b.self, B, linear(queries, b.self.q, b.self.qb),
                                 linear(queries, b.self.k, b.self.kb), linear(queries, b.self.v, b.self.vb));
        } else {
            const Tensor q = add(queries, tokens);
            queries = add(queries,
                          attendEach(b.self, B, linear(q, b.self.q, b.self.qb),
                                     linear(q, b.self.k, b.self.kb), linear(queries, b.self.v, b.self.vb)));
        }
        queries = layerNorm(queries, b.ln1.w, b.ln1.b, eps);
        const Tensor keysPe = first ? context.keysPe : add(keys, imagePe);
        const Attention& ti = b.tokenToImage;
        const Tensor tk = first ? context.tokenToImageK : linear(keysPe, ti.k, ti.kb);
        const Tensor tv = first ? context.tokenToImageV : linear(keys, ti.v, ti.vb);
        const Tensor tq = linear(add(queries, tokens), ti.q, ti.qb);
        queries = layerNorm(add(queries, attendEach(ti, B, tq, tk, tv)), b.ln2.w, b.ln2.b, eps);
        const Tensor m = linear(queries, b.fc1, b.fc1b, mlpAct_);
        queries = layerNorm(linear(m, b.fc2, b.fc2b, Activation::None, &queries), b.ln3.w, b.ln3.b, eps);
        const Attention& it = b.imageToToken;
        const Tensor iq = first ? context.imageToTokenQ : linear(keysPe, it.q, it.qb);
        const Tensor toImage =
            attendEach(it, B, iq, linear(add(queries, tokens), it.k, it.kb), linear(queries, it.v, it.vb));
        keys = layerNorm(add(toImage.reshape({B, g * g, C}), keys), b.ln4.w, b.ln4.b, eps);
    }
    if (keys.dim() == 2) { // no layers: every prompt still has the shared keys
        Tensor each = Tensor::empty(DType::F32, {B, g * g, C});
        for (int64_t b = 0; b < B; ++b)
            copyInto(each.select(0, b), keys);
        keys = each;
    }
    const Tensor fin =
        attendEach(final_, B, linear(add(queries, tokens), final_.q, final_.qb),
                   linear(add(keys, imagePe), final_.k, final_.kb), linear(keys, final_.v, final_.vb));
    queries = layerNorm(add(queries, fin), lnFinal_.w, lnFinal_.b, 1e-5); // nn.LayerNorm's default eps

    // Upscale every prompt's image tokens 4x: [g, g, C] -> [4g, 4g, C/8]. Stacking the prompts' grids
    // along the rows keeps them apart, since the transposed convolutions never mix rows.
    Tensor up = convTranspose2x2(keys.reshape({B * g, g, C}), up1_, up1b_);
    up = activation(layerNorm(up, upLn_.w, upLn_.b, 1e-6), Activation::GeluErf);
    up = activation(convTranspose2x2(up, up2_, up2b_), Activation::GeluErf);
    const int64_t side = 4 * g, c8 = C / 8;

    const int64_t firstMask = multimask ? 1 : 0, count = multimask ? masks - 1 : 1;
    Tensor hyper = Tensor::empty(DType::F32, {B, count, c8});
    for (int64_t i = 0; i < count; ++i) {
        const Tensor token = queries.select(1, 1 + firstMask + i).contiguous(); // [B, C]
        const Tensor h = hyper_[size_t(firstMask + i)].run(token);
        for (int64_t b = 0; b < B; ++b)
            std::memcpy(hyper.ptr<float>() + (b * count + i) * c8, h.ptr<float>() + b * c8,
                        size_t(c8) * sizeof(float));
    }
    Tensor all = Tensor::empty(DType::F32, {B, count, side, side});
    GemmProblem p; // masks[b, i, pixel] = hyper[b, i] . up[b, pixel]
    p.batch[0] = B;
    p.M = count, p.N = side * side, p.K = c8;
    p.a = hyper.ptr<float>(), p.aRow = c8, p.aCol = 1, p.aBatch[0] = count * c8;
    p.b = up.ptr<float>(), p.bRow = 1, p.bCol = c8, p.bBatch[0] = side * side * c8;
    p.c = all.ptr<float>(), p.cRow = side * side, p.cBatch[0] = count * side * side;
    gemm(p);
    const Tensor iou = iouHead_.run(queries.select(1, 0).contiguous()); // [B, masks]
    std::vector<MaskPrediction> out(static_cast<size_t>(B));
    for (int64_t b = 0; b < B; ++b) {
        out[size_t(b)].masks = all.select(0, b);
        for (int64_t i = 0; i < count; ++i)
            out[size_t(b)].iou.push_back(iou.ptr<float>()[b * masks + firstMask + i]);
    }
    return out;
}

} // namespace loupe::compute::sam
