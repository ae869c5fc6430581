// SPDX-License-Identifier: MIT
#pragma once

#include "compute/models/sam_config.h"
#include "compute/models/sam_weights.h"

#include <vector>

namespace loupe::compute::sam {

struct MaskPrediction
{
    Tensor masks;           // [n, 4g, 4g] low-resolution mask logits
    std::vector<float> iou; // [n] predicted IoU per mask
};

// SamMaskDecoder: the two-way transformer between the output/prompt tokens and the image embedding,
// the 4x upscaling of the embedding, one hypernetwork MLP per mask token and the IoU head.
class MaskDecoder
{
public:
    static MaskDecoder load(const SamMaskDecoderConfig& config, WeightSource& weights);

    // What every prompt on one image with the same dense prompt shares: the first layer's keys and their
    // projections in both cross-attentions. Computing them once per image spares each click about a
    // quarter of the decoder's work.
    struct ImageContext
    {
        int64_t grid = 0;
        Tensor keys, keysPe; // [g*g, C]: image + dense prompt, and with the positional embedding
        Tensor tokenToImageK, tokenToImageV, imageToTokenQ; // [g*g, C / downsample]
    };
    // image, imagePe, dense: [g*g, C].
    ImageContext prepare(const Tensor& image, const Tensor& imagePe, const Tensor& dense, int64_t grid) const;

    // image, imagePe, dense: [g*g, C]; sparse: [tokens, C]. multimask: the 3 multimask outputs, else the
    // single-mask output.
    MaskPrediction decode(const Tensor& image, const Tensor& imagePe, const Tensor& sparse,
                          const Tensor& dense, int64_t grid, bool multimask) const;
    // B prompts of the same token count at once, sparse [B, tokens, C]: the token-side layers run as one
    // GEMM over every prompt's tokens, the image-side ones over every prompt's keys, and the shared first
    // layer projections come from `context`. Equal to decode() per prompt.
    std::vector<MaskPrediction> decodeBatch(const ImageContext& context, const Tensor& imagePe,
                                            const Tensor& sparse, bool multimask) const;

private:
    struct Attention
    {
        LinearWeight q, k, v, out;
        Tensor qb, kb, vb, outb;
    };
    struct Norm
    {
        Tensor w, b;
    };
    struct Block
    {
        Attention self, tokenToImage, imageToToken;
        Norm ln1, ln2, ln3, ln4;
        LinearWeight fc1, fc2;
        Tensor fc1b, fc2b;
    };
    struct FeedForward
    {
        std::vector<LinearWeight> w;
        std::vector<Tensor> b;
        Tensor run(const Tensor& x) const; // ReLU between layers, none after the last
    };

    SamMaskDecoderConfig cfg_;
    Tensor iouToken_, maskTokens_;
    std::vector<Block> blocks_;
    Attention final_;
    Norm lnFinal_;
    LinearWeight up1_, up2_;
    Tensor up1b_, up2b_;
    Norm upLn_;
    std::vector<FeedForward> hyper_;
    FeedForward iouHead_;
    Activation mlpAct_ = Activation::Relu;

    // Per prompt b of B: attention of q[b] over k[b], v[b] (already projected; [B, rows, D] per prompt,
    // a [rows, D] tensor is shared by all), then the output projection over all; returns [B, nq, C].
    Tensor attendEach(const Attention& a, int64_t B, const Tensor& q, const Tensor& k, const Tensor& v) const;
    static Attention loadAttention(WeightSource& ws, const std::string& prefix, int64_t hidden,
                                   int64_t internal);
    static FeedForward loadFeedForward(WeightSource& ws, const std::string& prefix, int64_t in,
                                       int64_t hidden, int64_t out, int64_t layers);
};

} // namespace loupe::compute::sam
