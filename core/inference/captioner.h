// SPDX-License-Identifier: MIT
#pragma once

#include "compute/attribution/token_relevancy.h"
#include "compute/engine_options.h"
#include "compute/generate/generate.h"
#include "compute/models/vision_encoder_decoder_trace.h"
#include "compute/text/tokenizer.h"

#include <QDateTime>
#include <QString>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace loupe::compute {
class Checkpoint;
}

namespace loupe::core {

// One image's caption: the sequence as the library's generate returns it (start token and prompt
// included), its text with special tokens skipped, and per generated token the trace when asked for.
struct Caption
{
    compute::generate::GeneratedSequence sequence;
    std::string text;
    std::vector<compute::TokenTrace> traces;
    QString image;            // the image it describes (what relevancy() and branch() re-read if needed)
    int64_t promptLength = 0; // tokens of `sequence` before the first generated one (start token, prompt)

    // Generated tokens: sequence.tokens after the prompt.
    int64_t generatedCount() const { return int64_t(sequence.tokens.size()) - promptLength; }
};

// How one caption is produced: callbacks run on the calling thread between decoding steps.
struct CaptionRequest
{
    std::function<void(int64_t token)> onToken; // each new token as chosen (greedy, sampling; not beams)
    std::function<bool()> cancelled;            // true stops decoding; the caption holds what was made
    int64_t traceTop = 0; // > 0: record each token's cross-attention and that many alternatives
};

// A captioning checkpoint with its tokenizer and image processor, checked before any image is read: what
// `loupe caption` and the Caption panel need from any architecture. The encoding of the last image is
// kept, so explaining a word of its caption or branching it does not encode the image again. Not for use
// from two threads at once.
class Captioner
{
public:
    virtual ~Captioner() = default;

    // Every caption starts with `text` (empty: the start token alone). Throws std::invalid_argument for a
    // prompt that leaves no new token within max_length.
    virtual void setPrompt(const std::string& text) = 0;
    // Encodes the image (unless it is the last one, unchanged on disk) and decodes.
    Caption caption(const QString& image, const CaptionRequest& request);

    // Why generated token k (0: the first after the prompt) of `caption` is there, over the image patches:
    // Chefer et al.'s encoder-decoder relevancy (compute/attribution/token_relevancy.h) with y = that
    // token's logit, the caption's earlier tokens forced. Costs one decoder and one encoder pass forward
    // and backward the first time; cached per image and token prefix after that. Throws
    // std::out_of_range for k outside the generated tokens, std::invalid_argument for a caption without
    // its image, compute::Error for an image that cannot be read.
    compute::attribution::TokenRelevancy relevancy(const Caption& caption, int64_t k);

    // "What if": `caption` up to generated token k, token k replaced by `token`, then decoded on as
    // caption() decodes with that prefix as its prompt (the same settings, so up to max_new_tokens after
    // it; nothing after an end-of-sequence token or a full decoder). The image's encoding is reused when
    // it is the last image. The result's promptLength is the caption's; with request.traceTop > 0 it has
    // traces: the caption's before k, the caption's step k with the new token (probability from that
    // step's top list, 0 when not in it), then the new steps', numbered as generated tokens of the branch.
    // Throws std::out_of_range for k outside the generated tokens and std::invalid_argument for a token
    // outside the vocabulary.
    Caption branch(const Caption& caption, int64_t k, int64_t token, const CaptionRequest& request = {});

    // The prompt's token ids as decoding starts from them (start token included).
    virtual const std::vector<int64_t>& promptIds() const = 0;

    virtual const compute::text::Tokenizer& tokenizer() const = 0;
    // Side of the patch grid the cross-attention covers (image tokens after CLS).
    virtual int grid() const = 0;
    // The decoding settings in effect (the checkpoint's, the command line's, the architecture's stops).
    virtual const compute::generate::GenerationConfig& settings() const = 0;

protected:
    // The architecture's parts. pixelValues and encode throw compute::Error naming the image.
    virtual compute::Tensor pixelValues(const QString& image) const = 0;
    virtual compute::Tensor encode(const compute::Tensor& pixelValues, const QString& image) const = 0;
    // Decodes from `prompt` (start token included) over the image's encoding with the settings in effect;
    // fills sequence, text and traces.
    virtual Caption decode(const compute::Tensor& encoding, const std::vector<int64_t>& prompt,
                           const CaptionRequest& request) const = 0;
    virtual compute::attribution::TokenRelevancy tokenRelevancy(const compute::Tensor& pixelValues,
                                                                const compute::Tensor& encoding,
                                                                const std::vector<int64_t>& prefix,
                                                                int64_t token) const = 0;
    virtual int64_t vocabSize() const = 0;

    // Throws std::invalid_argument for a prompt (`words` tokens as the user wrote them, `promptTokens` as
    // decoding starts from them) that leaves no new token within max_length.
    void requireRoomAfterPrompt(int64_t words, int64_t promptTokens) const;

private:
    struct Encoded
    {
        QString image;
        QDateTime modified;
        compute::Tensor pixels, states;
    };
    const Encoded& encoded(const QString& image);
    void checkStep(const Caption& caption, int64_t k) const;

    Encoded last_;
    std::map<std::pair<QString, std::vector<int64_t>>, compute::attribution::TokenRelevancy> relevancies_;
};

// The captioner for the folder's config.json architectures: VisionEncoderDecoderModel (ViT + GPT-2) or
// BlipForConditionalGeneration. Throws compute::Error naming the file for other architectures and for
// a missing or mismatched tokenizer or image processor.
std::unique_ptr<Captioner> openCaptioner(const QString& folder,
                                         const compute::generate::GenerationConfig& settings,
                                         const compute::EngineOptions& options = {});

std::unique_ptr<Captioner> openVitGpt2Captioner(const compute::Checkpoint& ckpt,
                                                const compute::generate::GenerationConfig& settings);
std::unique_ptr<Captioner> openBlipCaptioner(const compute::Checkpoint& ckpt,
                                             const compute::generate::GenerationConfig& settings);

} // namespace loupe::core
