// SPDX-License-Identifier: MIT
#include "compute/models/blip.h"

#include "compute/backend/scheduler.h"
#include "compute/error.h"
#include "compute/gemm/loading_weight_format.h"
#include "compute/io/checkpoint.h"
#include "compute/models/blip_weights.h"

namespace loupe::compute {

namespace {

BlipConfig readConfig(const Checkpoint& ckpt, const std::string& architecture, const std::string& other)
{
    const std::string source = (ckpt.folder() / "config.json").string();
    // The architecture first: another model's config would otherwise fail on fields it never had.
    const nlohmann::json& j = ckpt.config();
    std::string first;
    if (const auto a = j.find("architectures");
        a != j.end() && a->is_array() && !a->empty() && a->front().is_string())
        first = a->front().get<std::string>();
    else if (const auto t = j.find("model_type"); t != j.end() && t->is_string())
        first = t->get<std::string>();
    if (first != architecture) {
        std::string why = "architecture '" + first + "' is not supported by the " + architecture + " engine";
        if (first == other) why += " (this checkpoint is a " + other + ")";
        throw Error(source, why);
    }
    return BlipConfig::fromJson(j, source);
}

} // namespace

generate::GenerationConfig blipDecodingConfig(const BlipTextConfig& text, generate::GenerationConfig c)
{
    c.eosTokenIds = {text.sepTokenId};
    c.padTokenId = text.padTokenId;
    return c;
}

// --- captioning ---

struct BlipForConditionalGeneration::Impl
{
    BlipConfig cfg;
    BlipVisionModel vision;
    BlipTextModel decoder;
    int64_t params = 0;
};

std::vector<std::string> BlipForConditionalGeneration::supportedArchitectures()
{
    return {"BlipForConditionalGeneration"};
}

BlipForConditionalGeneration BlipForConditionalGeneration::fromCheckpoint(const Checkpoint& ckpt)
{
    const BlipConfig cfg = readConfig(ckpt, "BlipForConditionalGeneration", "BlipForQuestionAnswering");
    const WeightFormatScope format(ckpt.linearWeightFormat()); // read where the layers pack
    BlipWeights w(ckpt, "BlipForConditionalGeneration");
    auto d = std::make_shared<Impl>(
        Impl{cfg, BlipVisionModel::load(cfg.vision, w),
             BlipTextModel::load(cfg.text, w, "text_decoder.bert.", "text_decoder.cls."), 0});
    w.requireAllUsed();
    d->params = w.parameterCount();
    auto scheduler = std::make_shared<Scheduler>(
        ckpt.engineOptions().backend, ckpt.linearWeightFormat().precision, ckpt.linearWeightFormatNote());
    d->vision.setScheduler(scheduler);
    d->decoder.setScheduler(scheduler);
    BlipForConditionalGeneration m;
    m.d_ = std::move(d);
    return m;
}

const BlipConfig& BlipForConditionalGeneration::config() const
{
    return d_->cfg;
}
const BlipVisionModel& BlipForConditionalGeneration::vision() const
{
    return d_->vision;
}
const BlipTextModel& BlipForConditionalGeneration::textDecoder() const
{
    return d_->decoder;
}
int64_t BlipForConditionalGeneration::parameterCount() const
{
    return d_->params;
}

std::vector<int64_t> BlipForConditionalGeneration::decoderPrompt(const std::vector<int64_t>& promptIds) const
{
    const BlipTextConfig& t = d_->cfg.text;
    // Without a prompt the library starts from [bos, eos] and drops the last id as it does for a prompt.
    std::vector<int64_t> ids =
        promptIds.empty() ? std::vector<int64_t>{t.bosTokenId, t.eosTokenId} : promptIds;
    ids.front() = t.bosTokenId;
    if (ids.size() > 1) ids.pop_back();
    return ids;
}

BlipTextLanguageModel BlipForConditionalGeneration::languageModel(const Tensor& imageEmbeds) const
{
    return BlipTextLanguageModel(d_->decoder, imageEmbeds);
}

generate::GenerationResult
BlipForConditionalGeneration::caption(const Tensor& pixelValues, const std::vector<int64_t>& promptIds,
                                      const generate::GenerationConfig& config,
                                      const generate::GenerationCallbacks& cb) const
{
    if (pixelValues.dim() != 4 || pixelValues.size(0) != 1)
        throw Error("blip", "caption() takes one image, pixel_values [1, 3, H, W]");
    BlipTextLanguageModel lm = languageModel(d_->vision.forward(pixelValues).imageEmbeds);
    return generate::generateSequences(lm, decoderPrompt(promptIds), blipDecodingConfig(d_->cfg.text, config),
                                       cb);
}

// --- visual question answering ---

struct BlipForQuestionAnswering::Impl
{
    BlipConfig cfg;
    BlipVisionModel vision;
    BlipTextModel encoder, decoder;
    int64_t params = 0;
};

std::vector<std::string> BlipForQuestionAnswering::supportedArchitectures()
{
    return {"BlipForQuestionAnswering"};
}

BlipForQuestionAnswering BlipForQuestionAnswering::fromCheckpoint(const Checkpoint& ckpt)
{
    const BlipConfig cfg = readConfig(ckpt, "BlipForQuestionAnswering", "BlipForConditionalGeneration");
    if (cfg.text.encoderHiddenSize != cfg.text.hiddenSize)
        throw Error((ckpt.folder() / "config.json").string(),
                    "text_config.encoder_hidden_size " + std::to_string(cfg.text.encoderHiddenSize) +
                        " differs from text_config.hidden_size " + std::to_string(cfg.text.hiddenSize) +
                        ": the answer decoder cross-attends the question encoder's states");
    const WeightFormatScope format(ckpt.linearWeightFormat()); // read where the layers pack
    BlipWeights w(ckpt, "BlipForQuestionAnswering");
    auto d = std::make_shared<Impl>(
        Impl{cfg, BlipVisionModel::load(cfg.vision, w), BlipTextModel::load(cfg.text, w, "text_encoder.", ""),
             BlipTextModel::load(cfg.text, w, "text_decoder.bert.", "text_decoder.cls."), 0});
    w.requireAllUsed();
    d->params = w.parameterCount();
    auto scheduler = std::make_shared<Scheduler>(
        ckpt.engineOptions().backend, ckpt.linearWeightFormat().precision, ckpt.linearWeightFormatNote());
    d->vision.setScheduler(scheduler);
    d->encoder.setScheduler(scheduler);
    d->decoder.setScheduler(scheduler);
    BlipForQuestionAnswering m;
    m.d_ = std::move(d);
    return m;
}

const BlipConfig& BlipForQuestionAnswering::config() const
{
    return d_->cfg;
}
const BlipVisionModel& BlipForQuestionAnswering::vision() const
{
    return d_->vision;
}
const BlipTextModel& BlipForQuestionAnswering::textEncoder() const
{
    return d_->encoder;
}
const BlipTextModel& BlipForQuestionAnswering::textDecoder() const
{
    return d_->decoder;
}
int64_t BlipForQuestionAnswering::parameterCount() const
{
    return d_->params;
}

BlipTextOutput BlipForQuestionAnswering::encodeQuestion(const std::vector<int64_t>& questionIds,
                                                        const Tensor& imageEmbeds,
                                                        const BlipTextRunOptions& options) const
{
    if (questionIds.empty()) throw Error("blip", "the question has no tokens");
    return d_->encoder.encode({questionIds}, imageEmbeds, options);
}

BlipTextLanguageModel BlipForQuestionAnswering::languageModel(const Tensor& questionEmbeds) const
{
    return BlipTextLanguageModel(d_->decoder, questionEmbeds);
}

std::vector<int64_t> BlipForQuestionAnswering::decoderPrompt() const
{
    return {d_->cfg.text.bosTokenId};
}

generate::GenerationResult BlipForQuestionAnswering::answer(const Tensor& pixelValues,
                                                            const std::vector<int64_t>& questionIds,
                                                            const generate::GenerationConfig& config,
                                                            const generate::GenerationCallbacks& cb) const
{
    if (pixelValues.dim() != 4 || pixelValues.size(0) != 1)
        throw Error("blip", "answer() takes one image, pixel_values [1, 3, H, W]");
    const Tensor image = d_->vision.forward(pixelValues).imageEmbeds;
    BlipTextLanguageModel lm = languageModel(encodeQuestion(questionIds, image).lastHiddenState);
    return generate::generateSequences(lm, decoderPrompt(), blipDecodingConfig(d_->cfg.text, config), cb);
}

} // namespace loupe::compute
