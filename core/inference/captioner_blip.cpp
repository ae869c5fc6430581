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
#include "core/inference/captioner.h"
#include "core/inference/model_folder_checks.h"
#include "core/inference/pixel_values.h"
#include "core/inference/traced_decoding.h"

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
        tok_ = loadTokenizerOfKind(ckpt, "bert", "the BERT WordPiece tokenizer (vocab.txt) BLIP needs");
        const std::string procPath = processorPath(ckpt, "captioning");
        proc_ = compute::ImageProcessorConfig::fromFile(procPath);
        requireProcessorOutputSide(proc_, model_.config().vision.imageSize, procPath);
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
        requireRoomAfterPrompt(words, int64_t(prompt_.size()));
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
        return decodeTraced(lm, std::move(recorder), prompt, cfg_, *tok_, request);
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
