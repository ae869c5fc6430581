// SPDX-License-Identifier: MIT
// SAM's automatic masks labelled by CLIP: the detector behind pre-labelling for SAM checkpoints.
#include "core/inference/sam_clip_detector.h"

#include "compute/error.h"
#include "compute/io/checkpoint.h"
#include "compute/models/clip.h"
#include "compute/preprocess/image_processor.h"
#include "core/inference/model_folder_checks.h"
#include "core/inference/pixel_values.h"
#include "core/inference/segmenter.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <algorithm>
#include <cmath>
#include <cstring>

namespace loupe::core {

using compute::Error;

double proposalScore(double predictedIou, double labelProbability)
{
    return std::sqrt(std::clamp(predictedIou, 0.0, 1.0) * std::clamp(labelProbability, 0.0, 1.0));
}

QRect labellerRegion(const QRect& box, double margin)
{
    const double grow = margin * std::max(box.width(), box.height());
    const double side = std::max(box.width(), box.height()) + 2 * grow;
    const QPointF c(box.x() + box.width() / 2.0, box.y() + box.height() / 2.0);
    const int s = std::max(1, int(std::lround(side)));
    return QRect(int(std::floor(c.x() - s / 2.0)), int(std::floor(c.y() - s / 2.0)), s, s);
}

QImage labellerCrop(const QImage& image, const QImage& mask, const QRect& box, double margin, CropStyle style)
{
    // CLIP's normalisation mean: grey pixels carry no signal into the model.
    static const QColor grey(123, 117, 104);
    const QRect region = labellerRegion(box, margin);
    QImage crop(region.size(), QImage::Format_RGB888);
    crop.fill(grey);
    const QImage rgb =
        image.format() == QImage::Format_RGB888 ? image : image.convertToFormat(QImage::Format_RGB888);
    const QRect inside = region.intersected(rgb.rect());
    const bool masked = style == CropStyle::MaskedSquare && !mask.isNull();
    for (int y = inside.top(); y <= inside.bottom(); ++y) {
        const uchar* src = rgb.constScanLine(y);
        const uchar* m = masked ? mask.constScanLine(y) : nullptr;
        uchar* dst = crop.scanLine(y - region.y());
        for (int x = inside.left(); x <= inside.right(); ++x) {
            if (m && !m[x]) continue;
            std::memcpy(dst + 3 * (x - region.x()), src + 3 * x, 3);
        }
    }
    return crop;
}

struct SamClipDetector::Impl
{
    DetectorOptions options;
    SamClipOptions tuning;
    std::shared_ptr<const SamCheckpoint> sam;

    // The labeller, when a CLIP folder was given and there are labels to choose from.
    std::unique_ptr<compute::ClipModel> clip;
    compute::ImageProcessorConfig clipProcessor;
    compute::Tensor textEmbeds; // [labels, E], encoded once

    void openLabeller()
    {
        const compute::Checkpoint ckpt =
            compute::Checkpoint::open(options.labellerFolder.toStdString(), options.engine);
        clip = std::make_unique<compute::ClipModel>(compute::ClipModel::fromCheckpoint(ckpt));
        const std::string procPath = processorPath(ckpt, "CLIP");
        clipProcessor = compute::ImageProcessorConfig::fromFile(procPath);
        requireProcessorOutputSide(clipProcessor, clip->config().vision.imageSize, procPath);
        const auto tok = loadTokenizerOfKind(ckpt, "clip", "the CLIP tokenizer CLIPModel needs");
        int64_t maxLen = clip->config().text.maxPositionEmbeddings;
        if (tok->modelMaxLength > 0) maxLen = std::min(maxLen, tok->modelMaxLength);
        compute::text::EncodeOptions eo;
        eo.maxLength = maxLen;
        std::vector<std::vector<int64_t>> ids;
        for (const QString& label : options.labels) {
            QString text = tuning.labelTemplate;
            text.replace(QStringLiteral("{label}"), label);
            ids.push_back(tok->encodeWith(text.toStdString(), eo).ids);
        }
        const int64_t padId = tok->padId >= 0 ? tok->padId : clip->config().text.padTokenId;
        textEmbeds = clip->encodeText(compute::ClipTextBatch::pad(ids, padId)).embeds;
    }

    // Per crop: the best label's index and its probability.
    std::vector<std::pair<int, double>> label(const std::vector<QImage>& crops) const
    {
        std::vector<std::pair<int, double>> out;
        const int64_t side = clip->config().vision.imageSize, T = textEmbeds.size(0);
        for (size_t start = 0; start < crops.size(); start += size_t(tuning.clipBatch)) {
            const size_t end = std::min(crops.size(), start + size_t(tuning.clipBatch));
            compute::Tensor batch =
                compute::Tensor::empty(compute::DType::F32, {int64_t(end - start), 3, side, side});
            for (size_t i = start; i < end; ++i)
                compute::copyInto(batch.slice(0, int64_t(i - start), int64_t(i - start) + 1),
                                  pixelValuesFromImage(crops[i], clipProcessor));
            const compute::ClipScores s =
                compute::clipScores(clip->logitScale(), clip->encodeImage(batch).embeds, textEmbeds);
            const std::vector<float> probs = s.probs.toF32Vector();
            for (size_t i = 0; i < end - start; ++i) {
                const float* row = probs.data() + int64_t(i) * T;
                const auto best = int(std::max_element(row, row + T) - row);
                if (!std::isfinite(row[best]))
                    throw Error(options.labellerFolder.toStdString(), "CLIP gave non-finite probabilities");
                out.emplace_back(best, double(row[best]));
            }
        }
        return out;
    }
};

SamClipDetector::SamClipDetector(const DetectorOptions& options) : SamClipDetector(options, SamClipOptions{})
{
}

SamClipDetector::SamClipDetector(const DetectorOptions& options, const SamClipOptions& tuning)
    : d_(std::make_unique<Impl>())
{
    d_->options = options;
    d_->tuning = tuning;
    d_->sam = SamCheckpoint::open(options.modelFolder, options.engine);
    applyAutomaskSettings(options.modelFolder, options.settings, d_->tuning.automask);
    if (d_->tuning.automask.pointsPerSide <= 0)
        d_->tuning.automask.pointsPerSide =
            compute::sam::AutomaskOptions::forModel(d_->sam->model.config()).pointsPerSide;
    if (d_->tuning.automask.pointsPerBatch <= 0 || tuning.clipBatch <= 0 || tuning.margin < 0)
        throw Error(options.modelFolder.toStdString(),
                    "SAM + CLIP proposals need batches above 0 and a margin of 0 or more");
    if (!options.labellerFolder.isEmpty() && !options.labels.isEmpty()) d_->openLabeller();
}

SamClipDetector::~SamClipDetector() = default;

QString SamClipDetector::name() const
{
    return d_->clip ? QStringLiteral("SAM automatic masks + CLIP") : QStringLiteral("SAM automatic masks");
}

QString SamClipDetector::parameters() const
{
    const compute::sam::AutomaskOptions& a = d_->tuning.automask;
    QJsonObject o{{QStringLiteral("points_per_side"), a.pointsPerSide},
                  {QStringLiteral("pred_iou_thresh"), a.predIouThresh},
                  {QStringLiteral("stability_score_thresh"), a.stabilityScoreThresh},
                  {QStringLiteral("stability_score_offset"), a.stabilityScoreOffset},
                  {QStringLiteral("box_nms_thresh"), a.boxNmsThresh},
                  {QStringLiteral("min_mask_region_area"), double(a.minMaskRegionArea)},
                  {QStringLiteral("threshold"), d_->options.threshold},
                  {QStringLiteral("score"), d_->clip
                                                ? QStringLiteral("sqrt(predicted_iou * clip_probability)")
                                                : QStringLiteral("predicted_iou")}};
    if (d_->clip) {
        o.insert(QStringLiteral("labeller"), d_->options.labellerFolder);
        o.insert(QStringLiteral("crop"), d_->tuning.crop == CropStyle::MaskedSquare
                                             ? QStringLiteral("masked")
                                             : QStringLiteral("plain"));
        o.insert(QStringLiteral("margin"), d_->tuning.margin);
        o.insert(QStringLiteral("label_template"), d_->tuning.labelTemplate);
    }
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

std::vector<Detection> SamClipDetector::detect(const QImage& image)
{
    if (image.isNull()) throw Error(d_->options.modelFolder.toStdString(), "no pixels to propose shapes on");
    const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
    const compute::ImageU8 view{rgb.width(), rgb.height(), 3, size_t(rgb.bytesPerLine()), rgb.constBits()};
    const compute::PreprocessedImage pre = compute::preprocess(view, d_->sam->processor);
    const compute::Tensor embedding = d_->sam->model.embed(compute::Tensor::fromF32(pre.shape(), pre.pixels));
    const std::vector<compute::sam::AutoMask> masks =
        compute::sam::AutomaskGenerator(d_->sam->model, d_->tuning.automask)
            .generate(embedding, pre.originalSize, pre.reshapedInputSize);

    std::vector<Detection> all;
    std::vector<QImage> crops;
    for (const compute::sam::AutoMask& a : masks) {
        if (!a.area) continue;
        Detection det;
        det.mask = QImage(rgb.width(), rgb.height(), QImage::Format_Grayscale8);
        for (int y = 0; y < rgb.height(); ++y) {
            uchar* row = det.mask.scanLine(y);
            const uint8_t* src = a.mask.data() + size_t(y) * size_t(rgb.width());
            for (int x = 0; x < rgb.width(); ++x)
                row[x] = src[x] ? 255 : 0;
        }
        const QRect box(QPoint(int(a.box[0]), int(a.box[1])), QPoint(int(a.box[2]), int(a.box[3])));
        det.box = QRectF(box);
        det.label = QStringLiteral("object");
        det.score = std::clamp(a.predictedIou, 0.0, 1.0);
        if (d_->clip) crops.push_back(labellerCrop(rgb, det.mask, box, d_->tuning.margin, d_->tuning.crop));
        all.push_back(std::move(det));
    }
    if (d_->clip) {
        const auto labels = d_->label(crops);
        for (size_t i = 0; i < all.size(); ++i) {
            all[i].label = d_->options.labels[labels[i].first];
            all[i].score = proposalScore(all[i].score, labels[i].second); // score held the IoU so far
        }
    }
    std::vector<Detection> kept;
    for (Detection& det : all)
        if (det.score >= d_->options.threshold) kept.push_back(std::move(det));
    std::stable_sort(kept.begin(), kept.end(),
                     [](const Detection& a, const Detection& b) { return a.score > b.score; });
    return kept;
}

} // namespace loupe::core
