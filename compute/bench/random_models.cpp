// SPDX-License-Identifier: MIT
#include "compute/bench/random_models.h"

#include "compute/backend/scheduler.h"
#include "compute/bench/random_weights.h"
#include "compute/error.h"
#include "compute/gemm/gemm.h"
#include "compute/gemm/loading_weight_format.h"

#include <cmath>
#include <map>

namespace loupe::compute::bench {

namespace {

// The weight format engine asks for after the kill switches, with a scheduler that records any
// difference, as Checkpoint::open would give a model.
struct Placement
{
    WeightFormat format;
    std::shared_ptr<Scheduler> scheduler;
};

Placement placement(const EngineOptions& engine)
{
    const WeightFormat asked{engine.precision};
    const WeightFormat format = effectiveWeightFormat(asked);
    return {format, std::make_shared<Scheduler>(engine.backend, format.precision, weightFormatNote(asked))};
}

// Tensors for every name SamModel::fromTensors claims, uniform with the standard deviation of a
// fan-in initialisation (LayerNorm weights near 1).
class SamTensors
{
public:
    std::map<std::string, Tensor> w;

    void add(const std::string& name, Shape shape, float stddev, float mean = 0)
    {
        Tensor t = r_.make(std::move(shape), stddev * std::sqrt(12.f));
        if (mean != 0)
            for (int64_t i = 0; i < t.numel(); ++i)
                t.ptr<float>()[i] += mean;
        w[name] = std::move(t);
    }
    void linear(const std::string& p, int64_t out, int64_t in)
    {
        add(p + ".weight", {out, in}, 1.f / std::sqrt(float(in)));
        add(p + ".bias", {out}, 0.02f);
    }
    void norm(const std::string& p, int64_t n)
    {
        add(p + ".weight", {n}, 0.05f, 1.f);
        add(p + ".bias", {n}, 0.02f);
    }

private:
    RandomWeights r_;
};

void visionTensors(SamTensors& t, const SamVisionConfig& v)
{
    const int64_t D = v.hiddenSize, g = v.grid(), C = v.outputChannels, hd = D / v.numAttentionHeads;
    const int64_t patchIn = v.numChannels * v.patchSize * v.patchSize;
    t.add("vision_encoder.patch_embed.projection.weight", {D, v.numChannels, v.patchSize, v.patchSize},
          1.f / std::sqrt(float(patchIn)));
    t.add("vision_encoder.patch_embed.projection.bias", {D}, 0.02f);
    t.add("vision_encoder.pos_embed", {1, g, g, D}, 0.02f);
    for (int64_t i = 0; i < v.numHiddenLayers; ++i) {
        const std::string l = "vision_encoder.layers." + std::to_string(i) + ".";
        const int64_t side = v.isGlobal(i) ? g : v.windowSize;
        t.norm(l + "layer_norm1", D);
        t.norm(l + "layer_norm2", D);
        t.linear(l + "attn.qkv", 3 * D, D);
        t.linear(l + "attn.proj", D, D);
        t.add(l + "attn.rel_pos_h", {2 * side - 1, hd}, 0.02f);
        t.add(l + "attn.rel_pos_w", {2 * side - 1, hd}, 0.02f);
        t.linear(l + "mlp.lin1", v.mlpDim, D);
        t.linear(l + "mlp.lin2", D, v.mlpDim);
    }
    t.add("vision_encoder.neck.conv1.weight", {C, D, 1, 1}, 1.f / std::sqrt(float(D)));
    t.add("vision_encoder.neck.conv2.weight", {C, C, 3, 3}, 1.f / std::sqrt(float(9 * C)));
    t.norm("vision_encoder.neck.layer_norm1", C);
    t.norm("vision_encoder.neck.layer_norm2", C);
}

void promptAndDecoderTensors(SamTensors& t, const SamConfig& c)
{
    const int64_t C = c.vision.outputChannels, mc = c.prompt.maskInputChannels;
    t.add("shared_image_embedding.positional_embedding", {2, c.vision.numPosFeats}, 1.f);
    t.add("prompt_encoder.not_a_point_embed.weight", {1, C}, 0.02f);
    t.add("prompt_encoder.no_mask_embed.weight", {1, C}, 0.02f);
    for (int64_t i = 0; i < c.prompt.numPointEmbeddings; ++i)
        t.add("prompt_encoder.point_embed." + std::to_string(i) + ".weight", {1, C}, 0.02f);
    t.add("prompt_encoder.mask_embed.conv1.weight", {mc / 4, 1, 2, 2}, 0.5f);
    t.add("prompt_encoder.mask_embed.conv1.bias", {mc / 4}, 0.02f);
    t.add("prompt_encoder.mask_embed.conv2.weight", {mc, mc / 4, 2, 2}, 0.25f);
    t.add("prompt_encoder.mask_embed.conv2.bias", {mc}, 0.02f);
    t.add("prompt_encoder.mask_embed.conv3.weight", {C, mc, 1, 1}, 0.25f);
    t.add("prompt_encoder.mask_embed.conv3.bias", {C}, 0.02f);
    t.norm("prompt_encoder.mask_embed.layer_norm1", mc / 4);
    t.norm("prompt_encoder.mask_embed.layer_norm2", mc);

    const auto& d = c.decoder;
    const int64_t down = C / d.attentionDownsampleRate, masks = d.numMultimaskOutputs + 1;
    auto attention = [&](const std::string& a, int64_t internal) {
        t.linear(a + "q_proj", internal, C);
        t.linear(a + "k_proj", internal, C);
        t.linear(a + "v_proj", internal, C);
        t.linear(a + "out_proj", C, internal);
    };
    auto feedForward = [&](const std::string& f, int64_t hidden, int64_t out, int64_t layers) {
        t.linear(f + "proj_in", hidden, C);
        for (int64_t i = 0; i < layers - 2; ++i)
            t.linear(f + "layers." + std::to_string(i), hidden, hidden);
        t.linear(f + "proj_out", out, hidden);
    };
    const std::string m = "mask_decoder.";
    t.add(m + "iou_token.weight", {1, C}, 0.02f);
    t.add(m + "mask_tokens.weight", {masks, C}, 0.02f);
    for (int64_t i = 0; i < d.numHiddenLayers; ++i) {
        const std::string l = m + "transformer.layers." + std::to_string(i) + ".";
        attention(l + "self_attn.", C);
        attention(l + "cross_attn_token_to_image.", down);
        attention(l + "cross_attn_image_to_token.", down);
        for (int n = 1; n <= 4; ++n)
            t.norm(l + "layer_norm" + std::to_string(n), C);
        t.linear(l + "mlp.lin1", d.mlpDim, C);
        t.linear(l + "mlp.lin2", C, d.mlpDim);
    }
    attention(m + "transformer.final_attn_token_to_image.", down);
    t.norm(m + "transformer.layer_norm_final_attn", C);
    t.add(m + "upscale_conv1.weight", {C, C / 4, 2, 2}, 1.f / std::sqrt(float(C)));
    t.add(m + "upscale_conv1.bias", {C / 4}, 0.02f);
    t.add(m + "upscale_conv2.weight", {C / 4, C / 8, 2, 2}, 1.f / std::sqrt(float(C / 4)));
    t.add(m + "upscale_conv2.bias", {C / 8}, 0.02f);
    t.norm(m + "upscale_layer_norm", C / 4);
    for (int64_t i = 0; i < masks; ++i)
        feedForward(m + "output_hypernetworks_mlps." + std::to_string(i) + ".", C, C / 8, 3);
    feedForward(m + "iou_prediction_head.", d.iouHeadHiddenDim, masks, d.iouHeadDepth);
}

} // namespace

Gpt2Model randomGpt2Small(const EngineOptions& engine)
{
    const Gpt2Config config;
    const Placement where = placement(engine);
    const WeightFormatScope scope(where.format);
    Gpt2Model m = Gpt2Model::fromTensors(config, randomGpt2Tensors(config), "random GPT-2 small");
    m.setScheduler(where.scheduler);
    return m;
}

SamConfig randomSamConfig(int64_t imageSize, int64_t layers)
{
    SamConfig c;
    c.modelType = "sam";
    c.architectures = {"SamModel"};
    if (imageSize < 16 || imageSize % 16 != 0)
        throw Error("random SAM",
                    "image size must be a positive multiple of 16, got " + std::to_string(imageSize));
    if (layers < 1 || layers > 12)
        throw Error("random SAM", "layers must be 1 to 12, got " + std::to_string(layers));
    c.vision.imageSize = c.prompt.imageSize = imageSize;
    c.prompt.imageEmbeddingSize = c.vision.grid();
    c.vision.numHiddenLayers = layers;
    std::vector<int64_t> globals;
    for (int64_t i : c.vision.globalAttnIndexes)
        if (i < layers) globals.push_back(i);
    c.vision.globalAttnIndexes = globals;
    return c;
}

SamModel randomSamB(const EngineOptions& engine, int64_t imageSize, int64_t layers)
{
    const SamConfig c = randomSamConfig(imageSize, layers);
    SamTensors t;
    visionTensors(t, c.vision);
    promptAndDecoderTensors(t, c);
    const Placement where = placement(engine);
    const WeightFormatScope scope(where.format);
    SamModel m = SamModel::fromTensors(c, std::move(t.w), "random SAM ViT-B");
    m.setScheduler(where.scheduler);
    return m;
}

} // namespace loupe::compute::bench
