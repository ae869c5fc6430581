// SPDX-License-Identifier: MIT
#include "compute/bench/random_weights.h"

#include "compute/error.h"
#include "compute/io/safetensors_writer.h"

#include <fstream>
#include <nlohmann/json.hpp>

namespace loupe::compute::bench {

namespace fs = std::filesystem;
using nlohmann::json;

Tensor RandomWeights::make(Shape shape, float scale)
{
    Tensor t = Tensor::empty(DType::F32, shape);
    float* p = t.ptr<float>();
    for (int64_t i = 0; i < t.numel(); ++i) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        p[i] = scale * (float(state >> 40) / float(1 << 24) - 0.5f);
    }
    return t;
}

void RandomWeights::linear(const std::string& stem, int64_t in, int64_t out, bool conv1d)
{
    add(stem + ".weight", conv1d ? Shape{in, out} : Shape{out, in}, 0.07f);
    add(stem + ".bias", {out}, 0.02f);
}

void RandomWeights::norm(const std::string& stem, int64_t d)
{
    add(stem + ".weight", {d}, 0.2f);
    add(stem + ".bias", {d}, 0.2f);
}

std::map<std::string, Tensor> randomGpt2Tensors(const Gpt2Config& c)
{
    const int64_t D = c.nEmbd, I = c.innerSize();
    RandomWeights r;
    r.add("transformer.wte.weight", {c.vocabSize, D}, 0.1f);
    r.add("transformer.wpe.weight", {c.nPositions, D}, 0.02f);
    for (int64_t i = 0; i < c.nLayer; ++i) {
        const std::string l = "transformer.h." + std::to_string(i) + ".";
        r.norm(l + "ln_1", D);
        r.norm(l + "ln_2", D);
        r.linear(l + "attn.c_attn", D, 3 * D, true);
        r.linear(l + "attn.c_proj", D, D, true);
        r.linear(l + "mlp.c_fc", D, I, true);
        r.linear(l + "mlp.c_proj", I, D, true);
        if (!c.addCrossAttention) continue;
        r.norm(l + "ln_cross_attn", D);
        r.linear(l + "crossattention.q_attn", D, D, true);
        r.linear(l + "crossattention.c_attn", D, 2 * D, true);
        r.linear(l + "crossattention.c_proj", D, D, true);
    }
    r.norm("transformer.ln_f", D);
    return std::move(r.w);
}

Gpt2Model randomGpt2(const Gpt2Config& c)
{
    return Gpt2Model::fromTensors(c, randomGpt2Tensors(c), "random GPT-2");
}

VitModel randomVit(const ViTConfig& c)
{
    const int64_t D = c.hiddenSize, I = c.intermediateSize, P = c.patchSize;
    RandomWeights r;
    r.add("embeddings.cls_token", {1, 1, D}, 0.02f);
    r.add("embeddings.position_embeddings", {1, c.numPatches() + 1, D}, 0.02f);
    r.add("embeddings.patch_embeddings.projection.weight", {D, c.numChannels, P, P}, 0.05f);
    r.add("embeddings.patch_embeddings.projection.bias", {D}, 0.02f);
    for (int64_t i = 0; i < c.numHiddenLayers; ++i) {
        const std::string l = "encoder.layer." + std::to_string(i) + ".";
        r.norm(l + "layernorm_before", D);
        r.norm(l + "layernorm_after", D);
        for (const char* n : {"query", "key", "value"})
            r.linear(l + "attention.attention." + n, D, D);
        r.linear(l + "attention.output.dense", D, D);
        r.linear(l + "intermediate.dense", D, I);
        r.linear(l + "output.dense", I, D);
    }
    r.norm("layernorm", D);
    return VitModel::fromTensors(c, VitModel::Arch::ViTModel, std::move(r.w), "random ViT");
}

namespace {

void writeFolder(const fs::path& dir, std::map<std::string, Tensor> tensors, const json& config)
{
    SafetensorsWriter out;
    out.setMetadata("format", "pt");
    for (auto it = tensors.begin(); it != tensors.end(); it = tensors.erase(it)) // one copy at a time
        out.addF32(it->first, it->second.shape(), it->second.ptr<float>());
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw Error(dir.string(), "cannot create the folder: " + ec.message());
    out.write(dir / "model.safetensors");
    std::ofstream f(dir / "config.json");
    f << config.dump(2) << "\n";
    if (!f) throw Error((dir / "config.json").string(), "cannot write the file");
}

} // namespace

void writeRandomGpt2(const fs::path& dir, const Gpt2Config& c)
{
    const json config{{"architectures", {"GPT2LMHeadModel"}},
                      {"model_type", "gpt2"},
                      {"vocab_size", c.vocabSize},
                      {"n_positions", c.nPositions},
                      {"n_ctx", c.nPositions},
                      {"n_embd", c.nEmbd},
                      {"n_layer", c.nLayer},
                      {"n_head", c.nHead},
                      {"n_inner", c.nInner > 0 ? json(c.nInner) : json(nullptr)},
                      {"activation_function", c.activationFunction},
                      {"layer_norm_epsilon", c.layerNormEpsilon},
                      {"bos_token_id", c.bosTokenId},
                      {"eos_token_id", c.eosTokenId},
                      {"torch_dtype", "float32"}};
    writeFolder(dir, randomGpt2Tensors(c), config);
}

void writeRandomBlip(const fs::path& dir, const BlipConfig& c)
{
    const BlipVisionConfig& v = c.vision;
    const int64_t Dv = v.hiddenSize, Iv = v.intermediateSize, P = v.patchSize;
    RandomWeights r;
    r.add("vision_model.embeddings.class_embedding", {1, 1, Dv}, 0.02f);
    r.add("vision_model.embeddings.patch_embedding.weight", {Dv, 3, P, P}, 0.05f);
    r.add("vision_model.embeddings.patch_embedding.bias", {Dv}, 0.02f);
    r.add("vision_model.embeddings.position_embedding", {1, v.numPositions(), Dv}, 0.02f);
    for (int64_t i = 0; i < v.numHiddenLayers; ++i) {
        const std::string l = "vision_model.encoder.layers." + std::to_string(i) + ".";
        r.norm(l + "layer_norm1", Dv);
        r.norm(l + "layer_norm2", Dv);
        r.linear(l + "self_attn.qkv", Dv, 3 * Dv);
        r.linear(l + "self_attn.projection", Dv, Dv);
        r.linear(l + "mlp.fc1", Dv, Iv);
        r.linear(l + "mlp.fc2", Iv, Dv);
    }
    r.norm("vision_model.post_layernorm", Dv);
    const BlipTextConfig& t = c.text;
    const int64_t D = t.hiddenSize, De = t.encoderHiddenSize, I = t.intermediateSize;
    const std::string b = "text_decoder.bert.";
    r.add(b + "embeddings.word_embeddings.weight", {t.vocabSize, D}, 0.1f);
    r.add(b + "embeddings.position_embeddings.weight", {t.maxPositionEmbeddings, D}, 0.02f);
    r.norm(b + "embeddings.LayerNorm", D);
    for (int64_t i = 0; i < t.numHiddenLayers; ++i) {
        const std::string l = b + "encoder.layer." + std::to_string(i) + ".";
        for (const char* n : {"self.query", "self.key", "self.value", "output.dense"})
            r.linear(l + "attention." + n, D, D);
        r.norm(l + "attention.output.LayerNorm", D);
        r.linear(l + "crossattention.self.query", D, D);
        r.linear(l + "crossattention.self.key", De, D);
        r.linear(l + "crossattention.self.value", De, D);
        r.linear(l + "crossattention.output.dense", D, D);
        r.norm(l + "crossattention.output.LayerNorm", D);
        r.linear(l + "intermediate.dense", D, I);
        r.linear(l + "output.dense", I, D);
        r.norm(l + "output.LayerNorm", D);
    }
    r.linear("text_decoder.cls.predictions.transform.dense", D, D);
    r.norm("text_decoder.cls.predictions.transform.LayerNorm", D);
    r.add("text_decoder.cls.predictions.bias", {t.vocabSize}, 0.02f); // decoder weight tied to the embeddings
    const json text{{"vocab_size", t.vocabSize},
                    {"hidden_size", D},
                    {"encoder_hidden_size", De},
                    {"intermediate_size", I},
                    {"num_hidden_layers", t.numHiddenLayers},
                    {"num_attention_heads", t.numAttentionHeads},
                    {"max_position_embeddings", t.maxPositionEmbeddings},
                    {"bos_token_id", t.bosTokenId}};
    const json vision{{"hidden_size", Dv},
                      {"intermediate_size", Iv},
                      {"num_hidden_layers", v.numHiddenLayers},
                      {"num_attention_heads", v.numAttentionHeads},
                      {"image_size", v.imageSize},
                      {"patch_size", P}};
    writeFolder(dir, std::move(r.w),
                json{{"architectures", {"BlipForConditionalGeneration"}},
                     {"model_type", "blip"},
                     {"text_config", text},
                     {"vision_config", vision}});
}

} // namespace loupe::compute::bench
