// SPDX-License-Identifier: MIT
#pragma once

#include "compute/generate/generate.h"
#include "compute/models/blip_config.h"
#include "compute/models/blip_language_model.h"
#include "compute/models/blip_text.h"
#include "compute/models/blip_vision.h"

#include <memory>
#include <string>
#include <vector>

namespace loupe::compute {

class Checkpoint;

// What BLIP's generate passes to the text decoder's generate whatever the caller set: stop at
// text_config.sep_token_id ([SEP]), pad with text_config.pad_token_id.
generate::GenerationConfig blipDecodingConfig(const BlipTextConfig& text, generate::GenerationConfig config);

// transformers' BlipForConditionalGeneration: the vision model, then the text decoder cross-attending the
// image embeddings. Captions start from [DEC] (bos_token_id), or from a prompt: the tokenizer's
// "[CLS] a picture of [SEP]" becomes "[DEC] a picture of" (first id replaced, trailing [SEP] dropped).
class BlipForConditionalGeneration
{
public:
    static std::vector<std::string> supportedArchitectures();
    // Throws Error for other architectures, invalid configs, missing, unexpected or misshapen tensors.
    static BlipForConditionalGeneration fromCheckpoint(const Checkpoint& ckpt);

    const BlipConfig& config() const;
    const BlipVisionModel& vision() const;
    const BlipTextModel& textDecoder() const;
    int64_t parameterCount() const;

    // The decoder's first ids from the tokenizer's ids of a prompt with its special tokens ([CLS] ...
    // [SEP]); an empty prompt gives [DEC] alone.
    std::vector<int64_t> decoderPrompt(const std::vector<int64_t>& promptIds) const;
    // The decoder behind the decoding loop for one image's embeddings [1, N, D].
    BlipTextLanguageModel languageModel(const Tensor& imageEmbeds) const;
    // Encodes the image once and decodes: greedy, beam search or sampling as `config` says (eos and pad as
    // blipDecodingConfig sets them). The sequences hold the decoder prompt, as the library returns them.
    generate::GenerationResult caption(const Tensor& pixelValues, const std::vector<int64_t>& promptIds,
                                       const generate::GenerationConfig& config,
                                       const generate::GenerationCallbacks& callbacks = {}) const;

    struct Impl;

private:
    std::shared_ptr<Impl> d_;
};

// transformers' BlipForQuestionAnswering: the vision model; the text encoder reads the question
// ([CLS] ... [SEP]) bidirectionally, cross-attending the image embeddings; the answer decoder starts from
// [DEC] and cross-attends the question's states (not the image).
class BlipForQuestionAnswering
{
public:
    static std::vector<std::string> supportedArchitectures();
    static BlipForQuestionAnswering fromCheckpoint(const Checkpoint& ckpt);

    const BlipConfig& config() const;
    const BlipVisionModel& vision() const;
    const BlipTextModel& textEncoder() const;
    const BlipTextModel& textDecoder() const;
    int64_t parameterCount() const;

    // question_embeds [1, q, D] of the question's ids (with [CLS]/[SEP]) over one image's embeddings.
    // Throws Error for a question longer than max_position_embeddings.
    BlipTextOutput encodeQuestion(const std::vector<int64_t>& questionIds, const Tensor& imageEmbeds,
                                  const BlipTextRunOptions& options = {}) const;
    // The answer decoder behind the decoding loop, cross-attending question_embeds [1, q, D].
    BlipTextLanguageModel languageModel(const Tensor& questionEmbeds) const;
    // The answer decoder's prompt: [DEC].
    std::vector<int64_t> decoderPrompt() const;
    // Image, question and decoding in one call; the sequences start with [DEC].
    generate::GenerationResult answer(const Tensor& pixelValues, const std::vector<int64_t>& questionIds,
                                      const generate::GenerationConfig& config,
                                      const generate::GenerationCallbacks& callbacks = {}) const;

    struct Impl;

private:
    std::shared_ptr<Impl> d_;
};

} // namespace loupe::compute
