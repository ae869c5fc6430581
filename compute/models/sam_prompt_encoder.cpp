// SPDX-License-Identifier: MIT
#include "compute/models/sam_prompt_encoder.h"

#include "compute/error.h"
#include "compute/models/sam_kernels.h"

#include <cmath>
#include <string>

namespace loupe::compute::sam {

PromptEncoder PromptEncoder::load(const SamPromptEncoderConfig& c, int64_t F, WeightSource& ws)
{
    PromptEncoder e;
    e.cfg_ = c;
    e.act_ = activationFromName(c.hiddenAct);
    const int64_t C = c.hiddenSize, mc = c.maskInputChannels, g = c.imageEmbeddingSize;
    e.gaussian_ = ws.take("shared_image_embedding.positional_embedding", {2, F});
    const std::string p = "prompt_encoder.";
    e.notAPoint_ = ws.take(p + "not_a_point_embed.weight", {1, C});
    e.noMask_ = ws.take(p + "no_mask_embed.weight", {1, C});
    for (int64_t i = 0; i < c.numPointEmbeddings; ++i)
        e.pointEmbed_.push_back(ws.take(p + "point_embed." + std::to_string(i) + ".weight", {1, C}));
    const std::string m = p + "mask_embed.";
    e.conv1_ = convWeight(ws.take(m + "conv1.weight", {mc / 4, 1, 2, 2}));
    e.conv1b_ = ws.take(m + "conv1.bias", {mc / 4});
    e.conv2_ = convWeight(ws.take(m + "conv2.weight", {mc, mc / 4, 2, 2}));
    e.conv2b_ = ws.take(m + "conv2.bias", {mc});
    e.conv3_ = ws.linear(m + "conv3.weight", {C, mc, 1, 1});
    e.conv3b_ = ws.take(m + "conv3.bias", {C});
    e.ln1w_ = ws.take(m + "layer_norm1.weight", {mc / 4});
    e.ln1b_ = ws.take(m + "layer_norm1.bias", {mc / 4});
    e.ln2w_ = ws.take(m + "layer_norm2.weight", {mc});
    e.ln2b_ = ws.take(m + "layer_norm2.bias", {mc});

    // SamModel.get_image_wide_positional_embeddings: cell centres (i + 0.5) / g, computed in float.
    e.imagePe_ = Tensor::empty(DType::F32, {g * g, C});
    for (int64_t y = 0; y < g; ++y)
        for (int64_t x = 0; x < g; ++x)
            e.fourier(double((float(x) + 1.f - 0.5f) / float(g)), double((float(y) + 1.f - 0.5f) / float(g)),
                      e.imagePe_.ptr<float>() + (y * g + x) * C);
    return e;
}

void PromptEncoder::fourier(double x, double y, float* out) const
{
    const int64_t F = gaussian_.size(1);
    const float cx = float(2.0 * x - 1.0), cy = float(2.0 * y - 1.0);
    const float* gp = gaussian_.ptr<float>();
    const float twoPi = float(2.0 * M_PI);
    for (int64_t f = 0; f < F; ++f) {
        const float v = twoPi * (cx * gp[f] + cy * gp[F + f]);
        out[f] = std::sin(v);
        out[F + f] = std::cos(v);
    }
}

Tensor PromptEncoder::embedMask(const Tensor& maskIn) const
{
    const int64_t g = cfg_.imageEmbeddingSize, C = cfg_.hiddenSize;
    if (maskIn.numel() != 16 * g * g)
        throw Error("sam", "the mask input must be the " + std::to_string(4 * g) + "x" +
                               std::to_string(4 * g) + " low-resolution logits of a prediction, got " +
                               shapeString(maskIn.shape()));
    const Tensor mask = maskIn.contiguous().to(DType::F32).reshape({4 * g, 4 * g, 1});
    Tensor h = conv2d(mask, conv1_, conv1b_, 2, 2, 0);
    h = activation(layerNorm(h, ln1w_, ln1b_, cfg_.layerNormEps), act_);
    h = conv2d(h, conv2_, conv2b_, 2, 2, 0);
    h = activation(layerNorm(h, ln2w_, ln2b_, cfg_.layerNormEps), act_);
    return linear(h, conv3_, conv3b_).reshape({g * g, C});
}

PromptEmbeddings PromptEncoder::encode(const Prompt& prompt) const
{
    const int64_t C = cfg_.hiddenSize, g = cfg_.imageEmbeddingSize;
    if (prompt.points.size() != prompt.labels.size())
        throw Error("sam", "every point needs a label (" + std::to_string(prompt.points.size()) +
                               " points, " + std::to_string(prompt.labels.size()) + " labels)");
    for (int label : prompt.labels)
        if (label != 0 && label != 1 && label != -1 && label != -10)
            throw Error("sam",
                        "point label " + std::to_string(label) + " is not 1 (foreground) or 0 (background)");
    const bool pad = !prompt.points.empty() && !prompt.box;
    const int64_t n = int64_t(prompt.points.size()) + (pad ? 1 : 0) + (prompt.box ? 2 : 0);
    PromptEmbeddings out;
    out.sparse = Tensor::zeros(DType::F32, {n, C});
    float* s = out.sparse.ptr<float>();
    const double size = double(cfg_.imageSize);
    auto addTo = [&](float* row, const Tensor& t) {
        for (int64_t c = 0; c < C; ++c)
            row[c] += t.ptr<float>()[c];
    };
    int64_t row = 0;
    for (size_t i = 0; i < prompt.points.size() + (pad ? 1 : 0); ++i, ++row) {
        const bool padding = i == prompt.points.size();
        const int label = padding ? -1 : prompt.labels[i];
        float* r = s + row * C;
        if (label == -10) continue; // transformers' "ignore this point": zeros
        if (label == -1) {
            std::copy(notAPoint_.ptr<float>(), notAPoint_.ptr<float>() + C, r);
            continue;
        }
        // Shifted to the pixel centre, normalised by the model's input size.
        fourier((prompt.points[i][0] + 0.5) / size, (prompt.points[i][1] + 0.5) / size, r);
        addTo(r, pointEmbed_[size_t(label)]);
    }
    if (prompt.box) {
        const auto& b = *prompt.box;
        fourier((b[0] + 0.5) / size, (b[1] + 0.5) / size, s + row * C);
        addTo(s + row * C, pointEmbed_[2]);
        ++row;
        fourier((b[2] + 0.5) / size, (b[3] + 0.5) / size, s + row * C);
        addTo(s + row * C, pointEmbed_[3]);
    }
    if (prompt.maskInput.defined() && prompt.maskInput.numel()) {
        out.dense = embedMask(prompt.maskInput);
    } else {
        out.dense = Tensor::empty(DType::F32, {g * g, C});
        for (int64_t i = 0; i < g * g; ++i)
            std::copy(noMask_.ptr<float>(), noMask_.ptr<float>() + C, out.dense.ptr<float>() + i * C);
    }
    return out;
}

} // namespace loupe::compute::sam
