// SPDX-License-Identifier: MIT
// CLIP zero-shot matching and its per-text relevancy maps, with the image and text encodings kept
// between calls.
#include "core/inference/matcher.h"

#include "compute/attribution/attention_maps.h"
#include "compute/error.h"
#include "compute/io/checkpoint.h"
#include "compute/models/clip.h"
#include "compute/models/clip_gradients.h"
#include "compute/models/finite_outputs.h"
#include "compute/preprocess/image_processor.h"
#include "core/inference/image_key.h"
#include "core/inference/model_folder_checks.h"
#include "core/inference/pixel_values.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

namespace loupe::core {

namespace {

namespace attr = compute::attribution;

} // namespace

struct Matcher::Impl
{
    compute::ClipModel model;
    compute::ImageProcessorConfig proc;
    std::unique_ptr<compute::text::Tokenizer> tok;
    int64_t maxLen = 0;

    bool imageCached = false;
    ImageKey imageKey;
    compute::Tensor px, imageEmbeds;
    std::map<QString, std::vector<float>> maps; // this image's heat maps by text
    int64_t imageRuns = 0;

    QStringList texts; // the texts textEmbeds holds, in order
    compute::Tensor textEmbeds;
    std::vector<int64_t> truncatedFrom;
    int64_t textRuns = 0;

    explicit Impl(const compute::Checkpoint& ckpt) : model(compute::ClipModel::fromCheckpoint(ckpt)) {}

    void encodeImage(const QString& image)
    {
        const ImageKey key = keyOf(image);
        if (imageCached && key == imageKey) return;
        imageCached = false;
        maps.clear();
        px = loadPixelValues(image, proc);
        imageEmbeds = model.encodeImage(px).embeds;
        ++imageRuns;
        imageKey = key;
        imageCached = true;
    }

    void encodeTexts(const QStringList& list)
    {
        if (!textEmbeds.data() || list != texts) {
            std::vector<std::vector<int64_t>> ids;
            std::vector<int64_t> cut;
            compute::text::EncodeOptions eo;
            eo.maxLength = maxLen;
            for (const QString& t : list) {
                const std::string s = t.toStdString();
                const int64_t full = int64_t(tok->encode(s).ids.size());
                ids.push_back(tok->encodeWith(s, eo).ids);
                cut.push_back(full > maxLen ? full : 0);
            }
            const int64_t padId = tok->padId >= 0 ? tok->padId : model.config().text.padTokenId;
            textEmbeds = model.encodeText(compute::ClipTextBatch::pad(ids, padId)).embeds;
            ++textRuns;
            texts = list;
            truncatedFrom = std::move(cut);
        }
    }
};

Matcher::Matcher(std::unique_ptr<Impl> d) : d_(std::move(d)) {}
Matcher::~Matcher() = default;

std::unique_ptr<Matcher> Matcher::open(const QString& folder, const compute::EngineOptions& options)
{
    const compute::Checkpoint ckpt = compute::Checkpoint::open(folder.toStdString(), options);
    auto d = std::make_unique<Impl>(ckpt);
    const std::string procPath = processorPath(ckpt, "CLIP");
    d->proc = compute::ImageProcessorConfig::fromFile(procPath);
    requireProcessorOutputSide(d->proc, d->model.config().vision.imageSize, procPath);
    d->tok = loadTokenizerOfKind(ckpt, "clip", "the CLIP tokenizer CLIPModel needs");
    // The library truncates at tokenizer_config.json's model_max_length; the position table is the hard
    // limit whatever that file says.
    d->maxLen = d->model.config().text.maxPositionEmbeddings;
    if (d->tok->modelMaxLength > 0) d->maxLen = std::min(d->maxLen, d->tok->modelMaxLength);
    return std::unique_ptr<Matcher>(new Matcher(std::move(d)));
}

MatchScores Matcher::match(const QString& image, const QStringList& texts)
{
    // Texts first: a bad text is reported before any image is read.
    d_->encodeTexts(texts);
    d_->encodeImage(image);
    const compute::ClipScores scores =
        compute::clipScores(d_->model.logitScale(), d_->imageEmbeds, d_->textEmbeds);
    MatchScores m;
    m.logits = scores.logitsPerImage.toF32Vector();
    m.probs = scores.probs.toF32Vector();
    m.truncatedFrom = d_->truncatedFrom;
    compute::requireFiniteOutputs(m.logits.data(), m.logits.size(), image.toStdString());
    return m;
}

std::vector<std::vector<float>> Matcher::heatmaps(const QString& image, const QStringList& texts,
                                                  const std::vector<int>& indices)
{
    for (int i : indices)
        if (i < 0 || i >= texts.size())
            throw std::out_of_range("text index " + std::to_string(i) + " outside the " +
                                    std::to_string(texts.size()) + " texts");
    d_->encodeTexts(texts);
    d_->encodeImage(image);
    std::vector<int> missing;
    for (int i : indices)
        if (!d_->maps.count(texts[i]) && std::find(missing.begin(), missing.end(), i) == missing.end())
            missing.push_back(i);
    if (!missing.empty()) {
        // Per text: d logit_t / d vision attentions for the image repeated once per text (images never
        // mix in the vision tower, so one batch holds every text's explanation), then Chefer's rule on
        // the CLS row.
        const compute::Tensor& px = d_->px;
        const int64_t T = int64_t(missing.size()), E = d_->textEmbeds.size(1);
        compute::Tensor batch =
            compute::Tensor::empty(compute::DType::F32, {T, px.size(1), px.size(2), px.size(3)});
        compute::Tensor rows = compute::Tensor::empty(compute::DType::F32, {T, E});
        for (int64_t t = 0; t < T; ++t) {
            compute::copyInto(batch.slice(0, t, t + 1), px);
            compute::copyInto(rows.slice(0, t, t + 1),
                              d_->textEmbeds.slice(0, missing[size_t(t)], missing[size_t(t)] + 1));
        }
        const compute::ClipVisionGradients g = compute::clipVisionGradients(d_->model, batch, rows);
        const auto& vc = d_->model.config().vision;
        const int gridSide = int(vc.gridSize()), tokens = int(vc.numPositions()),
                  heads = int(vc.numAttentionHeads);
        for (int64_t t = 0; t < T; ++t) {
            attr::AttentionSet attn{int(g.attentions.size()), heads, tokens, {}}, grads = attn;
            for (size_t l = 0; l < g.attentions.size(); ++l) {
                attn.layer.push_back(g.attentions[l].ptr<float>() + t * int64_t(attn.layerSize()));
                grads.layer.push_back(g.attnGrads[l].ptr<float>() + t * int64_t(attn.layerSize()));
            }
            d_->maps[texts[missing[size_t(t)]]] =
                attr::patchMap(attr::cheferRow(attn, grads, 0), {gridSide, gridSide, 1});
        }
    }
    std::vector<std::vector<float>> out;
    for (int i : indices)
        out.push_back(d_->maps.at(texts[i]));
    return out;
}

int64_t Matcher::imageEncodings() const
{
    return d_->imageRuns;
}

int64_t Matcher::textEncodings() const
{
    return d_->textRuns;
}

int Matcher::grid() const
{
    return int(d_->model.config().vision.gridSize());
}

QRect Matcher::modelRegion(const QImage& image) const
{
    const compute::ImageProcessorConfig& proc = d_->proc;
    const int h = image.height(), w = image.width();
    const auto [rh, rw] = compute::resizedSize(h, w, proc);
    if (!proc.doCenterCrop || rh <= 0 || rw <= 0) return image.rect();
    const int ch = std::min(proc.cropHeight, rh), cw = std::min(proc.cropWidth, rw);
    const double sy = double(h) / rh, sx = double(w) / rw;
    const int top = (rh - ch) / 2, left = (rw - cw) / 2;
    return QRect(int(std::lround(left * sx)), int(std::lround(top * sy)),
                 std::max(1, int(std::lround(cw * sx))), std::max(1, int(std::lround(ch * sy))))
        .intersected(image.rect());
}

int64_t Matcher::maxTextLength() const
{
    return d_->maxLen;
}

const compute::text::Tokenizer& Matcher::tokenizer() const
{
    return *d_->tok;
}

} // namespace loupe::core
