// SPDX-License-Identifier: MIT
#pragma once

#include "compute/engine_options.h"
#include "compute/preprocess/processor_config.h"
#include "compute/text/tokenizer.h"

#include <QImage>
#include <QRect>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <memory>
#include <vector>

namespace loupe::core {

// How well each text describes one image.
struct MatchScores
{
    std::vector<float> logits; // logits_per_image: logit_scale.exp() * cosine similarity, per text
    std::vector<float> probs;  // softmax over the texts
    // Per text: its token count before truncation when it was longer than the model reads, else 0.
    std::vector<int64_t> truncatedFrom;
};

// A CLIPModel checkpoint with its tokenizer and image processor, checked when opened. The last image's
// pixels and embedding and the last list of texts' embeddings are kept, so switching texts re-encodes no
// image and moving to another image re-encodes no text; heat maps are computed on demand and kept for
// the last image. Not thread-safe: one Matcher per thread.
class Matcher
{
public:
    // Throws compute::Error naming the file for another architecture, a missing or non-CLIP tokenizer, a
    // missing preprocessor_config.json or one whose output size is not the model's.
    static std::unique_ptr<Matcher> open(const QString& folder, const compute::EngineOptions& options = {});
    ~Matcher();

    // Tokenised as the library's processor does with truncation=True: texts longer than the model reads
    // are cut (never their start and end tokens) and reported in truncatedFrom. Throws compute::Error for
    // an empty list or an empty text, and "PATH: reason" for an unreadable image or non-finite outputs.
    MatchScores match(const QString& image, const QStringList& texts);

    // Per requested text index, the Chefer et al. relevancy of the image patches for that text's logit
    // (gradient-weighted attention of the vision tower), row-major grid() x grid(), over modelRegion().
    // The requested texts are explained in one batch; maps already computed for this image and text are
    // reused. Throws std::out_of_range for an index outside `texts`, else as match().
    std::vector<std::vector<float>> heatmaps(const QString& image, const QStringList& texts,
                                             const std::vector<int>& indices);

    // How many times the vision model's forward pass ran since open (tests and cache stats read it).
    int64_t imageEncodings() const;
    // How many times a list of texts was encoded since open (once per distinct consecutive list).
    int64_t textEncodings() const;

    // Side of the patch grid the heat maps cover.
    int grid() const;
    // The part of a decoded image the model sees: CLIP resizes the short side and crops the center, so a
    // wide image's edges are never seen and a heat map covers only this region.
    QRect modelRegion(const QImage& image) const;
    // Tokens a text may have, start and end included (max_position_embeddings, model_max_length).
    int64_t maxTextLength() const;
    const compute::text::Tokenizer& tokenizer() const;

    struct Impl;

private:
    explicit Matcher(std::unique_ptr<Impl> d);
    std::unique_ptr<Impl> d_;
};

} // namespace loupe::core
