// SPDX-License-Identifier: MIT
// Visual question answering with BLIP: the vision model once per image, the text encoder reading the
// question while cross-attending the image, the answer decoder from [DEC] cross-attending the question.
#include "core/inference/asker.h"

#include "compute/error.h"
#include "compute/io/checkpoint.h"
#include "compute/models/blip.h"
#include "compute/models/blip_caption_trace.h"
#include "compute/models/blip_vqa_relevancy.h"
#include "compute/models/finite_outputs.h"
#include "compute/preprocess/image_processor.h"
#include "core/inference/image_key.h"
#include "core/inference/model_folder_checks.h"
#include "core/inference/pixel_values.h"
#include "core/inference/traced_decoding.h"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <tuple>

namespace loupe::core {

namespace {

using compute::generate::GenerationConfig;

// Mean over layers and heads of per-layer [1, H, q, N] probabilities: q rows of N.
std::vector<std::vector<float>> meanCrossAttention(const std::vector<compute::Tensor>& layers)
{
    std::vector<std::vector<float>> rows;
    for (const compute::Tensor& t : layers) {
        const int64_t heads = t.size(1), q = t.size(2), n = t.size(3);
        const std::vector<float> v = t.toF32Vector();
        if (rows.empty()) rows.assign(size_t(q), std::vector<float>(size_t(n), 0.f));
        const float w = 1.f / float(heads * int64_t(layers.size()));
        for (int64_t h = 0; h < heads; ++h)
            for (int64_t i = 0; i < q; ++i)
                for (int64_t j = 0; j < n; ++j)
                    rows[size_t(i)][size_t(j)] += w * v[size_t((h * q + i) * n + j)];
    }
    return rows;
}

// Relevancy maps are small (one float per image token) but a long chat clicks many words.
constexpr size_t kMaxCachedRelevancies = 512;

// The trace re-expressed over the image: each (layer, head) row over the question tokens becomes the
// mixture of those tokens' rows over the image (CLS and patches).
compute::TokenTrace overImage(const compute::TokenTrace& t,
                              const std::vector<std::vector<float>>& questionToImage)
{
    compute::TokenTrace out = t;
    const size_t n = questionToImage.empty() ? 0 : questionToImage.front().size();
    for (auto& layer : out.crossAttention)
        for (auto& head : layer) {
            std::vector<float> row(n, 0.f);
            for (size_t j = 0; j < std::min(head.size(), questionToImage.size()); ++j)
                for (size_t p = 0; p < n; ++p)
                    row[p] += head[j] * questionToImage[j][p];
            head = std::move(row);
        }
    return out;
}

} // namespace

struct Asker::Impl
{
    compute::BlipForQuestionAnswering model;
    std::unique_ptr<compute::text::Tokenizer> tok;
    compute::ImageProcessorConfig proc;
    GenerationConfig settings;
    std::vector<int64_t> prompt;
    ImageKey cachedKey;
    compute::Tensor cachedPixels, cachedEmbeds;
    bool cached = false;
    int64_t encodings = 0;
    // (image path, question ids, answer tokens up to and with the explained one) -> its map. The path, not
    // the file's state, as the Captioner keys it: a map asked for again needs no image read.
    std::map<std::tuple<QString, std::vector<int64_t>, std::vector<int64_t>>,
             compute::attribution::TokenRelevancy>
        relevancies;

    explicit Impl(const compute::Checkpoint& ckpt)
        : model(compute::BlipForQuestionAnswering::fromCheckpoint(ckpt))
    {
    }

    const compute::Tensor& imageEmbeds(const QString& image)
    {
        const ImageKey key = keyOf(image);
        if (cached && key == cachedKey) return cachedEmbeds;
        cached = false;
        const compute::Tensor px = loadPixelValues(image, proc);
        compute::Tensor embeds = model.vision().forward(px).imageEmbeds;
        ++encodings;
        compute::requireFiniteOutputs(embeds, image.toStdString());
        cachedEmbeds = std::move(embeds);
        cachedPixels = px;
        cachedKey = key;
        cached = true;
        return cachedEmbeds;
    }
};

Asker::Asker(std::unique_ptr<Impl> d) : d_(std::move(d)) {}
Asker::~Asker() = default;

std::unique_ptr<Asker> Asker::open(const QString& folder, const GenerationConfig& base,
                                   const compute::EngineOptions& options)
{
    const compute::Checkpoint ckpt = compute::Checkpoint::open(folder.toStdString(), options);
    auto d = std::make_unique<Impl>(ckpt);
    d->tok = loadTokenizerOfKind(ckpt, "bert", "the BERT WordPiece tokenizer (vocab.txt) BLIP needs");
    const std::string procPath = processorPath(ckpt, "BLIP");
    d->proc = compute::ImageProcessorConfig::fromFile(procPath);
    requireProcessorOutputSide(d->proc, d->model.config().vision.imageSize, procPath);
    d->settings = compute::blipDecodingConfig(d->model.config().text, base);
    d->settings.validate();
    d->prompt = d->model.decoderPrompt();
    if (d->settings.newTokenBudget(int64_t(d->prompt.size())) <= 0)
        throw std::invalid_argument("max_length " + std::to_string(d->settings.maxLength) +
                                    " leaves no room for an answer after [DEC] (set --max-new-tokens)");
    return std::unique_ptr<Asker>(new Asker(std::move(d)));
}

std::vector<int64_t> Asker::questionIds(const QString& question) const
{
    const std::vector<int64_t> ids = d_->tok->encode(question.toStdString()).ids;
    int64_t limit = d_->model.config().text.maxPositionEmbeddings;
    if (d_->tok->modelMaxLength > 0) limit = std::min(limit, d_->tok->modelMaxLength);
    if (int64_t(ids.size()) > limit)
        throw std::invalid_argument("the question has " + std::to_string(ids.size()) +
                                    " tokens with [CLS] and [SEP]; the model reads at most " +
                                    std::to_string(limit) +
                                    " (text_config.max_position_embeddings, model_max_length)");
    if (ids.size() <= 2) throw std::invalid_argument("the question is empty");
    return ids;
}

Answer Asker::answer(const QString& image, const QString& question, const CaptionRequest& request)
{
    const std::vector<int64_t> qids = questionIds(question);
    const compute::Tensor& imageEmbeds = d_->imageEmbeds(image);
    compute::BlipTextRunOptions options;
    options.crossAttentions = request.traceTop > 0;
    const compute::BlipTextOutput q = d_->model.encodeQuestion(qids, imageEmbeds, options);
    compute::BlipTextLanguageModel lm = d_->model.languageModel(q.lastHiddenState);
    std::unique_ptr<compute::CrossAttentionRecorder> recorder;
    if (request.traceTop > 0) recorder = compute::recordBlipCrossAttention(lm, request.traceTop);
    Caption decoded = decodeTraced(lm, std::move(recorder), d_->prompt, d_->settings, *d_->tok, request);
    Answer a;
    a.sequence = std::move(decoded.sequence);
    a.text = std::move(decoded.text);
    a.image = image;
    a.questionIds = qids;
    a.promptLength = decoded.promptLength;
    if (request.traceTop > 0) {
        a.traces = std::move(decoded.traces);
        const auto questionToImage = meanCrossAttention(q.crossAttentions);
        for (const compute::TokenTrace& t : a.traces) {
            a.imageTraces.push_back(overImage(t, questionToImage));
            a.imageMaps.push_back(a.imageTraces.back().patchMap(-1));
        }
    }
    return a;
}

compute::attribution::TokenRelevancy Asker::relevancy(const Answer& answer, int64_t k)
{
    if (answer.image.isEmpty() || answer.questionIds.empty())
        throw std::invalid_argument("the answer does not name its image and question");
    if (answer.promptLength <= 0 || k < 0 || k >= answer.generatedCount())
        throw std::out_of_range("token " + std::to_string(k) + " is not one of the answer's " +
                                std::to_string(std::max<int64_t>(answer.generatedCount(), 0)) +
                                " answered tokens");
    const auto& tokens = answer.sequence.tokens;
    const size_t at = size_t(answer.promptLength + k);
    auto key = std::make_tuple(answer.image, answer.questionIds,
                               std::vector<int64_t>(tokens.begin(), tokens.begin() + at + 1));
    if (const auto it = d_->relevancies.find(key); it != d_->relevancies.end()) return it->second;
    const compute::Tensor& image = d_->imageEmbeds(answer.image);
    const compute::Tensor states = d_->model.encodeQuestion(answer.questionIds, image).lastHiddenState;
    const std::vector<int64_t> prefix(tokens.begin(), tokens.begin() + at);
    compute::attribution::TokenRelevancy r = compute::answerTokenRelevancy(
        d_->model, d_->cachedPixels, image, answer.questionIds, states, prefix, tokens[at]);
    if (d_->relevancies.size() >= kMaxCachedRelevancies) d_->relevancies.clear();
    d_->relevancies.emplace(std::move(key), r);
    return r;
}

int64_t Asker::imageEncodings() const
{
    return d_->encodings;
}

void Asker::forgetImage()
{
    d_->cached = false;
    d_->cachedEmbeds = {};
    d_->cachedPixels = {};
}

const compute::text::Tokenizer& Asker::tokenizer() const
{
    return *d_->tok;
}

int Asker::grid() const
{
    return int(d_->model.config().vision.gridSize());
}

const GenerationConfig& Asker::settings() const
{
    return d_->settings;
}

const std::vector<int64_t>& Asker::promptIds() const
{
    return d_->prompt;
}

} // namespace loupe::core
