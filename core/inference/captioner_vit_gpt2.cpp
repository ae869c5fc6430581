// SPDX-License-Identifier: MIT
// Captioning with a VisionEncoderDecoderModel checkpoint: ViT encoder, GPT-2 decoder with cross-attention.
#include "compute/error.h"
#include "compute/io/checkpoint.h"
#include "compute/models/finite_outputs.h"
#include "compute/models/vision_encoder_decoder.h"
#include "compute/models/vision_encoder_decoder_relevancy.h"
#include "compute/preprocess/image_processor.h"
#include "compute/preprocess/processor_fit.h"
#include "core/inference/captioner.h"
#include "core/inference/model_folder_checks.h"
#include "core/inference/pixel_values.h"
#include "core/inference/traced_decoding.h"

#include <stdexcept>

namespace loupe::core {

namespace {

using compute::generate::GenerationConfig;

class VitGpt2Captioner final : public Captioner
{
public:
    VitGpt2Captioner(const compute::Checkpoint& ckpt, const GenerationConfig& settings)
        : cfg_(settings), model_(compute::VisionEncoderDecoderModel::fromCheckpoint(ckpt))
    {
        tok_ = loadTokenizerOfKind(ckpt, "gpt2",
                                   "the GPT-2 tokenizer (vocab.json + merges.txt) the decoder needs");
        const std::string procPath = processorPath(ckpt, "captioning");
        proc_ = compute::ImageProcessorConfig::fromFile(procPath);
        compute::checkProcessorFitsModel(proc_, model_.encoder().config(), procPath, false);
        if (cfg_.eosTokenIds.empty()) cfg_.eosTokenIds.push_back(model_.decoder().config().eosTokenId);
        cfg_.validate();
    }

    void setPrompt(const std::string& text) override
    {
        const std::vector<int64_t> ids =
            text.empty() ? std::vector<int64_t>{} : tok_->encode(text, false).ids;
        try {
            prompt_ = model_.decoderPrompt(ids);
        } catch (const compute::Error& e) {
            throw std::invalid_argument(e.what());
        }
        requireRoomAfterPrompt(int64_t(ids.size()), int64_t(prompt_.size()));
    }

    const compute::text::Tokenizer& tokenizer() const override { return *tok_; }
    int grid() const override { return int(model_.gridSize()); }
    const GenerationConfig& settings() const override { return cfg_; }
    const std::vector<int64_t>& promptIds() const override { return prompt_; }

protected:
    compute::Tensor pixelValues(const QString& image) const override { return loadPixelValues(image, proc_); }

    compute::Tensor encode(const compute::Tensor& px, const QString& image) const override
    {
        const compute::Tensor states = model_.encode(px);
        compute::requireFiniteOutputs(states, image.toStdString());
        return states;
    }

    Caption decode(const compute::Tensor& states, const std::vector<int64_t>& prompt,
                   const CaptionRequest& request) const override
    {
        compute::Gpt2LanguageModel lm = model_.languageModel(states);
        std::unique_ptr<compute::CrossAttentionRecorder> recorder;
        if (request.traceTop > 0)
            recorder = std::make_unique<compute::CrossAttentionRecorder>(lm, request.traceTop);
        return decodeTraced(lm, std::move(recorder), prompt, cfg_, *tok_, request);
    }

    compute::attribution::TokenRelevancy tokenRelevancy(const compute::Tensor& px,
                                                        const compute::Tensor& states,
                                                        const std::vector<int64_t>& prefix,
                                                        int64_t token) const override
    {
        return compute::captionTokenRelevancy(model_, px, states, prefix, token);
    }

    int64_t vocabSize() const override { return model_.decoder().config().vocabSize; }

private:
    GenerationConfig cfg_;
    compute::VisionEncoderDecoderModel model_;
    std::unique_ptr<compute::text::Tokenizer> tok_;
    compute::ImageProcessorConfig proc_;
    std::vector<int64_t> prompt_;
};

} // namespace

std::unique_ptr<Captioner> openVitGpt2Captioner(const compute::Checkpoint& ckpt,
                                                const GenerationConfig& settings)
{
    return std::make_unique<VitGpt2Captioner>(ckpt, settings);
}

} // namespace loupe::core
