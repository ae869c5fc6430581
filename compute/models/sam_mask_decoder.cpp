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

Tensor MaskDecoder::attend(const Attention& a, const Tensor& q, const Tensor& k, const Tensor& v) const
{
    const Tensor ctx =
        attention(linear(q, a.q, a.qb), linear(k, a.k, a.kb), linear(v, a.v, a.vb), cfg_.numAttentionHeads);
    return linear(ctx, a.out, a.outb);
}

MaskPrediction MaskDecoder::decode(const Tensor& image, const Tensor& imagePe, const Tensor& sparse,
                                   const Tensor& dense, int64_t g, bool multimask) const
{
    const int64_t C = cfg_.hiddenSize, masks = cfg_.numMultimaskOutputs + 1, n = sparse.size(0);
    const double eps = cfg_.layerNormEps;
    // Output tokens (IoU, then one per mask) followed by the prompt tokens.
    Tensor tokens = Tensor::empty(DType::F32, {1 + masks + n, C});
    std::memcpy(tokens.ptr<float>(), iouToken_.ptr<float>(), size_t(C) * sizeof(float));
    std::memcpy(tokens.ptr<float>() + C, maskTokens_.ptr<float>(), size_t(masks * C) * sizeof(float));
    if (n)
        std::memcpy(tokens.ptr<float>() + (1 + masks) * C, sparse.ptr<float>(),
                    size_t(n * C) * sizeof(float));

    Tensor queries = tokens;
    Tensor keys = add(image, dense);
    for (size_t i = 0; i < blocks_.size(); ++i) {
        const Block& b = blocks_[i];
        if (i == 0) {
            queries = attend(b.self, queries, queries, queries); // the first layer skips the residual and PE
        } else {
            const Tensor q = add(queries, tokens);
            queries = add(queries, attend(b.self, q, q, queries));
        }
        queries = layerNorm(queries, b.ln1.w, b.ln1.b, eps);
        Tensor keysPe = add(keys, imagePe);
        queries = layerNorm(add(queries, attend(b.tokenToImage, add(queries, tokens), keysPe, keys)), b.ln2.w,
                            b.ln2.b, eps);
        const Tensor m = linear(queries, b.fc1, b.fc1b, mlpAct_);
        queries = layerNorm(linear(m, b.fc2, b.fc2b, Activation::None, &queries), b.ln3.w, b.ln3.b, eps);
        const Tensor toImage = attend(b.imageToToken, keysPe, add(queries, tokens), queries);
        keys = layerNorm(add(keys, toImage), b.ln4.w, b.ln4.b, eps);
    }
    const Tensor fin = attend(final_, add(queries, tokens), add(keys, imagePe), keys);
    queries = layerNorm(add(queries, fin), lnFinal_.w, lnFinal_.b, 1e-5); // nn.LayerNorm's default eps

    // Upscale the image tokens 4x: [g, g, C] -> [4g, 4g, C/8].
    Tensor up = convTranspose2x2(keys.reshape({g, g, C}), up1_, up1b_);
    up = activation(layerNorm(up, upLn_.w, upLn_.b, 1e-6), Activation::GeluErf);
    up = activation(convTranspose2x2(up, up2_, up2b_), Activation::GeluErf);
    const int64_t side = 4 * g, c8 = C / 8;

    const int64_t first = multimask ? 1 : 0, count = multimask ? masks - 1 : 1;
    Tensor hyper = Tensor::empty(DType::F32, {count, c8});
    for (int64_t i = 0; i < count; ++i) {
        const Tensor token = queries.slice(0, 1 + first + i, 2 + first + i).contiguous();
        const Tensor h = hyper_[size_t(first + i)].run(token);
        std::memcpy(hyper.ptr<float>() + i * c8, h.ptr<float>(), size_t(c8) * sizeof(float));
    }
    MaskPrediction out;
    out.masks = Tensor::empty(DType::F32, {count, side, side});
    GemmProblem p; // masks[i, pixel] = hyper[i] . up[pixel]
    p.M = count, p.N = side * side, p.K = c8;
    p.a = hyper.ptr<float>(), p.aRow = c8, p.aCol = 1;
    p.b = up.ptr<float>(), p.bRow = 1, p.bCol = c8;
    p.c = out.masks.ptr<float>(), p.cRow = side * side;
    gemm(p);
    const Tensor iou = iouHead_.run(queries.slice(0, 0, 1).contiguous());
    for (int64_t i = 0; i < count; ++i)
        out.iou.push_back(iou.ptr<float>()[first + i]);
    return out;
}

} // namespace loupe::compute::sam
