// SPDX-License-Identifier: MIT
// Captioning with a BlipForConditionalGeneration checkpoint: BLIP's vision model, then its BERT-style text
// decoder cross-attending the image embeddings, stopping at [SEP] as BLIP's generate does.
#include "compute/error.h"
#include "compute/io/checkpoint.h"
#include "compute/models/blip.h"
#include "compute/models/blip_caption_relevancy.h"
#include "compute/models/blip_caption_trace.h"
#include "compute/models/finite_outputs.h"
#include "compute/preprocess/image_processor.h"
#include "compute/preprocess/processor_fit.h"
#include "core/inference/captioner.h"
#include "core/inference/pixel_values.h"

#include <QFileInfo>
#include <stdexcept>

namespace loupe::core {

namespace {

using compute::generate::GenerationConfig;

class BlipCaptioner final : public Captioner
{
public:
    BlipCaptioner(const compute::Checkpoint& ckpt, const GenerationConfig& settings)
        : model_(compute::BlipForConditionalGeneration::fromCheckpoint(ckpt))
    {
        const std::string folder = ckpt.folder().string();
        tok_ = compute::text::loadTokenizer(folder);
        if (tok_->kind() != "bert")
            throw compute::Error(folder, "the tokenizer is " + tok_->kind() +
                                             ", not the BERT WordPiece tokenizer (vocab.txt) BLIP needs");
        const std::string procPath = (ckpt.folder() / "preprocessor_config.json").string();
        if (!QFileInfo::exists(QString::fromStdString(procPath)))
            throw compute::Error(procPath, "missing: a captioning folder needs its image processor settings");
        proc_ = compute::ImageProcessorConfig::fromFile(procPath);
        const int64_t side = model_.config().vision.imageSize;
        const auto fixed = compute::fixedOutputSize(proc_);
        if (!fixed || fixed->height != side || fixed->width != side)
            throw compute::Error(procPath,
                                 std::string("images leave the processor at ") +
                                     (fixed ? std::to_string(fixed->height) + "x" +
                                                  std::to_string(fixed->width) + " (" + fixed->field + ")"
                                            : std::string("the image's own size")) +
                                     " but the model takes " + std::to_string(side) + "x" +
                                     std::to_string(side) + " (config.json vision_config.image_size)");
        // BLIP's generate stops at [SEP] and pads with [PAD] whatever generation_config.json says.
        cfg_ = compute::blipDecodingConfig(model_.config().text, settings);
        cfg_.validate();
    }

    void setPrompt(const std::string& text) override
    {
        // As BlipProcessor tokenises it: [CLS] ... [SEP]; the model turns that into [DEC] ...
        const std::vector<int64_t> ids = text.empty() ? std::vector<int64_t>{} : tok_->encode(text).ids;
        prompt_ = model_.decoderPrompt(ids);
        const int64_t words = std::max<int64_t>(int64_t(ids.size()) - 2, 0);
        const int64_t positions = model_.config().text.maxPositionEmbeddings;
        if (int64_t(prompt_.size()) >= positions)
            throw std::invalid_argument("--prompt: the prompt has " + std::to_string(words) +
                                        " tokens; with [DEC] that leaves no room in the decoder's " +
                                        std::to_string(positions) +
                                        " positions (text_config.max_position_embeddings)");
        if (cfg_.newTokenBudget(int64_t(prompt_.size())) <= 0)
            throw std::invalid_argument("--prompt: the prompt has " + std::to_string(words) +
                                        " tokens, which leaves no new token within max_length " +
                                        std::to_string(cfg_.maxLength) + " (set --max-new-tokens)");
    }

    const compute::text::Tokenizer& tokenizer() const override { return *tok_; }
    int grid() const override { return int(model_.config().vision.gridSize()); }
    const GenerationConfig& settings() const override { return cfg_; }
    const std::vector<int64_t>& promptIds() const override { return prompt_; }

protected:
    compute::Tensor pixelValues(const QString& image) const override { return loadPixelValues(image, proc_); }

    compute::Tensor encode(const compute::Tensor& px, const QString& image) const override
    {
        const compute::Tensor embeds = model_.vision().forward(px).imageEmbeds;
        compute::requireFiniteOutputs(embeds, image.toStdString());
        return embeds;
    }

    Caption decode(const compute::Tensor& embeds, const std::vector<int64_t>& prompt,
                   const CaptionRequest& request) const override
    {
        compute::BlipTextLanguageModel lm = model_.languageModel(embeds);
        std::unique_ptr<compute::CrossAttentionRecorder> recorder;
        if (request.traceTop > 0) recorder = compute::recordBlipCrossAttention(lm, request.traceTop);
        compute::generate::GenerationCallbacks cb;
        cb.onToken = request.onToken;
        cb.cancelled = request.cancelled;
        compute::generate::LanguageModel& decoder =
            recorder ? static_cast<compute::generate::LanguageModel&>(*recorder) : lm;
        const auto r = compute::generate::generateSequences(decoder, prompt, cfg_, cb);
        Caption c;
        c.sequence = r.sequences.front();
        c.text = tok_->decode(c.sequence.tokens, true);
        if (recorder) c.traces = recorder->traces(c.sequence.tokens, r.promptLength);
        return c;
    }

    compute::attribution::TokenRelevancy tokenRelevancy(const compute::Tensor& px,
                                                        const compute::Tensor& embeds,
                                                        const std::vector<int64_t>& prefix,
                                                        int64_t token) const override
    {
        return compute::captionTokenRelevancy(model_, px, embeds, prefix, token);
    }

    int64_t vocabSize() const override { return model_.config().text.vocabSize; }

private:
    compute::BlipForConditionalGeneration model_;
    GenerationConfig cfg_;
    std::unique_ptr<compute::text::Tokenizer> tok_;
    compute::ImageProcessorConfig proc_;
    std::vector<int64_t> prompt_;
};

} // namespace

std::unique_ptr<Captioner> openBlipCaptioner(const compute::Checkpoint& ckpt,
                                             const GenerationConfig& settings)
{
    return std::make_unique<BlipCaptioner>(ckpt, settings);
}

} // namespace loupe::core
