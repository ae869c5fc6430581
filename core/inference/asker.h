// SPDX-License-Identifier: MIT
#pragma once

#include "compute/attribution/token_relevancy.h"
#include "compute/generate/generate.h"
#include "compute/models/vision_encoder_decoder_trace.h"
#include "compute/text/tokenizer.h"
#include "core/inference/captioner.h"

#include <QDateTime>
#include <QString>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace loupe::core {

// One answer: the sequence as the library's generate returns it ([DEC] first), its text with special
// tokens skipped, and, when traced, per generated token where it looked.
struct Answer
{
    compute::generate::GeneratedSequence sequence;
    std::string text;
    // BLIP's answer decoder cross-attends the question's states, not the image: each trace's
    // crossAttention covers the question tokens ([CLS] first), [layers][heads][question tokens].
    std::vector<compute::TokenTrace> traces;
    // The same traces carried through to the image, so TokenTrace::patchMap gives grid() x grid() maps
    // as it does for captions: per decoder layer and head, the answer token's cross-attention over the
    // question tokens times each question token's cross-attention over the image in the question encoder
    // (its layers and heads averaged), [layers][heads][1 + patches], CLS first. Each row sums to 1.
    std::vector<compute::TokenTrace> imageTraces;
    // Per trace, its map over the image patches with every layer and head averaged (imageTraces[t]
    // .patchMap(-1)), row-major grid() x grid().
    std::vector<std::vector<float>> imageMaps;
    QString image;                    // the image asked about (what relevancy() re-reads if needed)
    std::vector<int64_t> questionIds; // [CLS] question [SEP]
    int64_t promptLength = 0;         // tokens of `sequence` before the first answered one ([DEC])

    // Answered tokens: sequence.tokens after the prompt.
    int64_t generatedCount() const { return int64_t(sequence.tokens.size()) - promptLength; }
};

// A BlipForQuestionAnswering checkpoint with its tokenizer and image processor, checked when opened. The
// image's embeddings are kept for the last image, so a chat of many questions about one image runs the
// vision model once. Not thread-safe: one Asker per thread.
class Asker
{
public:
    // Throws compute::Error naming the file for another architecture (with a hint to `loupe caption` for
    // captioning checkpoints), a missing or non-BERT tokenizer, a missing preprocessor_config.json or one
    // whose output size is not the model's; std::invalid_argument when max_length leaves no room for an
    // answer. `settings` are the decoding settings before BLIP's own stops are applied.
    static std::unique_ptr<Asker> open(const QString& folder,
                                       const compute::generate::GenerationConfig& settings,
                                       const compute::EngineOptions& options = {});
    ~Asker();

    // [CLS] question [SEP] as the processor gives them. Throws std::invalid_argument for an empty question
    // or one longer than the model reads (no truncation, as the library refuses it too).
    std::vector<int64_t> questionIds(const QString& question) const;

    // Answers `question` about `image`: the question is checked before the image is read; the image is
    // encoded only when it differs from the last one (path, size and modification time). Callbacks run on
    // the calling thread between decoding steps; traceTop > 0 fills traces, imageTraces and imageMaps. Throws
    // compute::Error "PATH: reason" for an unreadable image or non-finite embeddings.
    Answer answer(const QString& image, const QString& question, const CaptionRequest& request = {});

    // Why answered token k (0: the first after [DEC]) of `answer` is there, over the image patches: the
    // bi-modal relevancy carried image -> question -> answer (compute/models/blip_vqa_relevancy.h), y =
    // that token's logit with the answer's earlier tokens forced. Unlike imageMaps (attention only), it
    // weighs every attention by its gradient and runs through every layer of the three stages. Costs one
    // pass forward and backward through each stage the first time; cached per image, question and token
    // prefix after that. Throws std::out_of_range for k outside the answered tokens,
    // std::invalid_argument for an answer without its image or question, compute::Error for an image
    // that cannot be read.
    compute::attribution::TokenRelevancy relevancy(const Answer& answer, int64_t k);

    // How many times the vision model ran since open: tests and the UI's cache stats read it.
    int64_t imageEncodings() const;
    // Drops the cached image embeddings (e.g. after the image file was replaced within a second).
    void forgetImage();

    const compute::text::Tokenizer& tokenizer() const;
    // Side of the image patch grid imageTraces cover.
    int grid() const;
    // The decoding settings in effect (checkpoint's, caller's, BLIP's [SEP] stop).
    const compute::generate::GenerationConfig& settings() const;
    // The answer decoder's prompt ([DEC]), where every sequence starts.
    const std::vector<int64_t>& promptIds() const;

    struct Impl;

private:
    explicit Asker(std::unique_ptr<Impl> d);
    std::unique_ptr<Impl> d_;
};

} // namespace loupe::core
