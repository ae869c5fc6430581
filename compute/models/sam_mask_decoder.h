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

    // image, imagePe, dense: [g*g, C]; sparse: [tokens, C]. multimask: the 3 multimask outputs, else the
    // single-mask output.
    MaskPrediction decode(const Tensor& image, const Tensor& imagePe, const Tensor& sparse,
                          const Tensor& dense, int64_t grid, bool multimask) const;

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

    Tensor attend(const Attention& a, const Tensor& q, const Tensor& k, const Tensor& v) const;
    static Attention loadAttention(WeightSource& ws, const std::string& prefix, int64_t hidden,
                                   int64_t internal);
    static FeedForward loadFeedForward(WeightSource& ws, const std::string& prefix, int64_t in,
                                       int64_t hidden, int64_t out, int64_t layers);
};

} // namespace loupe::compute::sam
