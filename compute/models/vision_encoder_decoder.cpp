// SPDX-License-Identifier: MIT
#include "compute/models/vision_encoder_decoder.h"

#include "compute/backend/scheduler.h"
#include "compute/error.h"
#include "compute/gemm/loading_weight_format.h"
#include "compute/io/checkpoint.h"

#include <cstdint>
#include <map>

namespace loupe::compute {

struct VisionEncoderDecoderModel::Impl
{
    VitModel encoder;
    Gpt2Model decoder;
    int64_t startToken = -1;
};

namespace {

// The checkpoint's tensors under `prefix`, with the prefix stripped. f32 tensors are used in place (the
// mapping stays alive through `owner`); other float types are converted.
std::map<std::string, Tensor> tensorsUnder(const Checkpoint& ckpt, const std::string& prefix,
                                           const std::shared_ptr<Checkpoint>& owner,
                                           const std::string& source)
{
    std::map<std::string, Tensor> out;
    for (const std::string& name : ckpt.names()) {
        if (name.rfind(prefix, 0) != 0) continue;
        const TensorView& v = ckpt.tensor(name);
        const std::string inner = name.substr(prefix.size());
        const bool aligned = reinterpret_cast<uintptr_t>(v.data) % alignof(float) == 0;
        if (v.dtype == DType::F32 && aligned)
            out[inner] = Tensor::wrap(const_cast<void*>(v.data), DType::F32, v.shape, owner);
        else if (isFloating(v.dtype))
            out[inner] = Tensor::fromF32(v.shape, ckpt.toF32(name));
        else if (name.ends_with(".attn.bias") || name.ends_with(".masked_bias"))
            continue; // bool/uint8 causal-mask buffers of old GPT-2 checkpoints
        else
            throw Error(source,
                        "tensor '" + name + "' has non-float dtype " + std::string(dtypeName(v.dtype)));
    }
    return out;
}

const nlohmann::json& subConfig(const nlohmann::json& j, const char* key, const std::string& source)
{
    const auto it = j.find(key);
    if (it == j.end() || !it->is_object())
        throw Error(source,
                    std::string("a VisionEncoderDecoderModel config needs an \"") + key + "\" object");
    return *it;
}

std::string modelTypeOf(const nlohmann::json& j)
{
    const auto it = j.find("model_type");
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string("(none)");
}

} // namespace

std::vector<std::string> VisionEncoderDecoderModel::supportedArchitectures()
{
    return {"VisionEncoderDecoderModel (ViT encoder + GPT-2 decoder)"};
}

VisionEncoderDecoderModel VisionEncoderDecoderModel::fromCheckpoint(const Checkpoint& ckpt)
{
    const std::string source = (ckpt.folder() / "config.json").string();
    const nlohmann::json& j = ckpt.config();
    std::string first;
    if (const auto a = j.find("architectures");
        a != j.end() && a->is_array() && !a->empty() && a->front().is_string())
        first = a->front().get<std::string>();
    const std::string type = modelTypeOf(j);
    if (!(first == "VisionEncoderDecoderModel" || (first.empty() && type == "vision-encoder-decoder")))
        throw Error(source, "architecture '" + (first.empty() ? type : first) +
                                "' is not supported for captioning (supported: VisionEncoderDecoderModel "
                                "with a ViT encoder and a GPT-2 decoder)");
    const nlohmann::json& ej = subConfig(j, "encoder", source);
    const nlohmann::json& dj = subConfig(j, "decoder", source);
    if (modelTypeOf(ej) != "vit")
        throw Error(source, "encoder model_type '" + modelTypeOf(ej) + "' is not supported (supported: vit)");
    if (modelTypeOf(dj) != "gpt2")
        throw Error(source,
                    "decoder model_type '" + modelTypeOf(dj) + "' is not supported (supported: gpt2)");
    const ViTConfig ec = ViTConfig::fromJson(ej, source + " (encoder)");
    const Gpt2Config dc = Gpt2Config::fromJson(dj, source + " (decoder)");
    if (!dc.addCrossAttention)
        throw Error(source, "the decoder has no cross-attention (decoder.add_cross_attention is false)");
    if (ec.hiddenSize != dc.nEmbd || ckpt.contains("enc_to_dec_proj.weight"))
        throw Error(source, "encoder hidden_size " + std::to_string(ec.hiddenSize) + " and decoder n_embd " +
                                std::to_string(dc.nEmbd) +
                                ": checkpoints that project the encoder states (enc_to_dec_proj) are not "
                                "supported");
    for (const std::string& name : ckpt.names())
        if (name.rfind("encoder.", 0) != 0 && name.rfind("decoder.", 0) != 0)
            throw Error(ckpt.folder().string(),
                        "unexpected tensor '" + name +
                            "' for VisionEncoderDecoderModel (is config.json right?)");
    auto owner = std::make_shared<Checkpoint>(ckpt);
    const std::string where = ckpt.folder().string();
    const WeightFormatScope format(ckpt.linearWeightFormat()); // read where both halves pack
    VitModel enc = VitModel::fromTensors(
        ec, VitModel::Arch::ViTModel, tensorsUnder(ckpt, "encoder.", owner, where), where + " (encoder.*)");
    Gpt2Model dec =
        Gpt2Model::fromTensors(dc, tensorsUnder(ckpt, "decoder.", owner, where), where + " (decoder.*)");
    // One scheduler for both halves: a device failure in either moves the whole model to the CPU.
    auto scheduler = std::make_shared<Scheduler>(
        ckpt.engineOptions().backend, ckpt.linearWeightFormat().precision, ckpt.linearWeightFormatNote());
    enc.setScheduler(scheduler);
    dec.setScheduler(scheduler);
    int64_t start = dc.bosTokenId;
    if (const auto s = j.find("decoder_start_token_id"); s != j.end() && s->is_number_integer())
        start = s->get<int64_t>();
    return fromModels(std::move(enc), std::move(dec), start, source);
}

VisionEncoderDecoderModel VisionEncoderDecoderModel::fromModels(VitModel encoder, Gpt2Model decoder,
                                                                int64_t decoderStartTokenId,
                                                                const std::string& source)
{
    if (decoderStartTokenId < 0 || decoderStartTokenId >= decoder.config().vocabSize)
        throw Error(source, "decoder_start_token_id " + std::to_string(decoderStartTokenId) +
                                " is outside the decoder's vocabulary of " +
                                std::to_string(decoder.config().vocabSize));
    auto d = std::make_shared<Impl>(Impl{std::move(encoder), std::move(decoder), decoderStartTokenId});
    VisionEncoderDecoderModel m;
    m.d_ = std::move(d);
    return m;
}

Tensor VisionEncoderDecoderModel::encode(const Tensor& pixelValues) const
{
    return d_->encoder.forward(pixelValues).lastHiddenState;
}

Gpt2LanguageModel VisionEncoderDecoderModel::languageModel(const Tensor& encoderStates) const
{
    return Gpt2LanguageModel(d_->decoder, encoderStates);
}

std::vector<int64_t> VisionEncoderDecoderModel::decoderPrompt(const std::vector<int64_t>& promptIds) const
{
    std::vector<int64_t> ids{d_->startToken};
    ids.insert(ids.end(), promptIds.begin(), promptIds.end());
    const Gpt2Config& c = d_->decoder.config();
    for (int64_t id : promptIds)
        if (id < 0 || id >= c.vocabSize)
            throw Error("prompt", "token id " + std::to_string(id) +
                                      " is outside the decoder's vocabulary of " +
                                      std::to_string(c.vocabSize));
    if (int64_t(ids.size()) >= c.nPositions)
        throw Error("prompt", "the prompt has " + std::to_string(promptIds.size()) +
                                  " tokens; with the start token that leaves no room for a new one in the "
                                  "decoder's " +
                                  std::to_string(c.nPositions) + " positions (n_positions)");
    return ids;
}

const VitModel& VisionEncoderDecoderModel::encoder() const
{
    return d_->encoder;
}
const Gpt2Model& VisionEncoderDecoderModel::decoder() const
{
    return d_->decoder;
}
int64_t VisionEncoderDecoderModel::decoderStartTokenId() const
{
    return d_->startToken;
}
int64_t VisionEncoderDecoderModel::gridSize() const
{
    return d_->encoder.config().gridSize();
}

} // namespace loupe::compute
