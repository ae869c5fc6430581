// SPDX-License-Identifier: MIT
#pragma once

#include "compute/generate/generate.h"
#include "compute/models/vision_encoder_decoder_trace.h"
#include "compute/text/tokenizer.h"

#include <QString>
#include <cstdint>
#include <functional>
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
};

// How one caption is produced: callbacks run on the calling thread between decoding steps.
struct CaptionRequest
{
    std::function<void(int64_t token)> onToken; // each new token as chosen (greedy, sampling; not beams)
    std::function<bool()> cancelled;            // true stops decoding; the caption holds what was made
    int64_t traceTop = 0; // > 0: record each token's cross-attention and that many alternatives
};

// A captioning checkpoint with its tokenizer and image processor, checked before any image is read: what
// `loupe caption` needs from any architecture.
class Captioner
{
public:
    virtual ~Captioner() = default;

    // Every caption starts with `text` (empty: the start token alone). Throws std::invalid_argument for a
    // prompt that leaves no new token within max_length.
    virtual void setPrompt(const std::string& text) = 0;
    // Encodes the image once and decodes.
    virtual Caption caption(const QString& image, const CaptionRequest& request) = 0;
    // The prompt's token ids as decoding starts from them (start token included).
    virtual const std::vector<int64_t>& promptIds() const = 0;

    virtual const compute::text::Tokenizer& tokenizer() const = 0;
    // Side of the patch grid the cross-attention covers (image tokens after CLS).
    virtual int grid() const = 0;
    // The decoding settings in effect (the checkpoint's, the command line's, the architecture's stops).
    virtual const compute::generate::GenerationConfig& settings() const = 0;
};

// The captioner for the folder's config.json architectures: VisionEncoderDecoderModel (ViT + GPT-2) or
// BlipForConditionalGeneration. Throws compute::Error naming the file for other architectures and for
// a missing or mismatched tokenizer or image processor.
std::unique_ptr<Captioner> openCaptioner(const QString& folder,
                                         const compute::generate::GenerationConfig& settings);

std::unique_ptr<Captioner> openVitGpt2Captioner(const compute::Checkpoint& ckpt,
                                                const compute::generate::GenerationConfig& settings);
std::unique_ptr<Captioner> openBlipCaptioner(const compute::Checkpoint& ckpt,
                                             const compute::generate::GenerationConfig& settings);

} // namespace loupe::core
