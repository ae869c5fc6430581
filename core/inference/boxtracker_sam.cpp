// SPDX-License-Identifier: MIT
// Mask tracking with SAM: each frame is prompted with where the object was on the frame before.
#include "compute/error.h"
#include "compute/preprocess/image_processor.h"
#include "compute/preprocess/sam_prompts.h"
#include "core/inference/boxtracker.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace loupe::core {

using compute::Error;

namespace {

// The magnitude of the logits a binary mask becomes as SAM's mask input: confident, like the decoder's
// own output far from an edge, without dominating the box and point prompts.
constexpr float kMaskLogit = 8.0f;

QImage toMaskImage(const std::vector<uint8_t>& mask, int w, int h)
{
    QImage img(w, h, QImage::Format_Grayscale8);
    for (int y = 0; y < h; ++y) {
        uchar* row = img.scanLine(y);
        for (int x = 0; x < w; ++x)
            row[x] = mask[size_t(y) * size_t(w) + size_t(x)] ? 255 : 0;
    }
    return img;
}

struct MaskStats
{
    qint64 area = 0;
    QRect box;
};

MaskStats statsOf(const QImage& mask)
{
    MaskStats s;
    int x0 = mask.width(), y0 = mask.height(), x1 = -1, y1 = -1;
    for (int y = 0; y < mask.height(); ++y) {
        const uchar* row = mask.constScanLine(y);
        for (int x = 0; x < mask.width(); ++x) {
            if (!row[x]) continue;
            ++s.area;
            x0 = std::min(x0, x);
            x1 = std::max(x1, x);
            y0 = std::min(y0, y);
            y1 = std::max(y1, y);
        }
    }
    if (s.area) s.box = QRect(QPoint(x0, y0), QPoint(x1, y1));
    return s;
}

// A source-size binary mask as the decoder's low-resolution logits [4g, 4g]: the low-resolution grid
// covers the padded model input, of which the resized image is the top-left part.
compute::Tensor maskLogits(const QImage& mask, std::array<int64_t, 2> resized, int64_t inputSize,
                           int64_t lowRes)
{
    compute::Tensor t = compute::Tensor::empty(compute::DType::F32, {lowRes, lowRes});
    float* out = t.ptr<float>();
    const double cell = double(inputSize) / double(lowRes);
    for (int64_t v = 0; v < lowRes; ++v) {
        for (int64_t u = 0; u < lowRes; ++u) {
            const double xi = (double(u) + 0.5) * cell, yi = (double(v) + 0.5) * cell;
            bool inside = false;
            if (xi < double(resized[1]) && yi < double(resized[0])) {
                const int x = std::clamp(int(xi * mask.width() / double(resized[1])), 0, mask.width() - 1);
                const int y = std::clamp(int(yi * mask.height() / double(resized[0])), 0, mask.height() - 1);
                inside = mask.constScanLine(y)[x] != 0;
            }
            out[v * lowRes + u] = inside ? kMaskLogit : -kMaskLogit;
        }
    }
    return t;
}

class SamTracker : public BoxTracker
{
public:
    SamTracker(std::shared_ptr<SamFrames> frames, const SamTrackOptions& o)
        : m_frames(std::move(frames)), m_options(o)
    {
    }

    QString init(const QImage& image, const QRectF& box, const QImage& mask) override
    {
        try {
            QImage start = mask.isNull() ? QImage() : mask.convertToFormat(QImage::Format_Grayscale8);
            if (!start.isNull() && start.size() != image.size())
                return QStringLiteral("the mask is %1x%2 but the frame is %3x%4")
                    .arg(start.width())
                    .arg(start.height())
                    .arg(image.width())
                    .arg(image.height());
            const int64_t S = m_frames->model().model.config().vision.imageSize;
            const int64_t low = 4 * m_frames->model().model.config().prompt.imageEmbeddingSize;
            if (start.isNull()) {
                // A box alone: SAM segments it on this frame first, so the next frame gets a mask prompt.
                const QRectF b = box.normalized() & QRectF(image.rect());
                if (b.isEmpty()) return QStringLiteral("the box lies outside the frame");
                const auto frame = m_frames->frame(image);
                compute::sam::Prompt p;
                p.box = compute::samRescaleBox({b.left(), b.top(), b.right(), b.bottom()}, frame->original,
                                               frame->resized);
                const compute::sam::MaskPrediction pred =
                    m_frames->model().model.decode(frame->embedding, p, true);
                const auto best =
                    int64_t(std::max_element(pred.iou.begin(), pred.iou.end()) - pred.iou.begin());
                const compute::Tensor logits = pred.masks.select(0, best).clone();
                start = toMaskImage(compute::samPostprocessMask(logits, S, frame->resized, frame->original),
                                    image.width(), image.height());
                m_logits = logits;
            } else {
                m_logits = maskLogits(start, m_frames->resizedSize(image.width(), image.height()), S, low);
            }
            const MaskStats stats = statsOf(start);
            // SAM found nothing in the box: follow the box itself, whose area is then the reference.
            m_box = stats.area ? QRectF(stats.box) : box.normalized();
            m_area = stats.area ? double(stats.area) : m_box.width() * m_box.height();
            m_point = innermostPoint(start);
        } catch (const Error& e) {
            return QString::fromStdString(e.what());
        }
        return {};
    }

    TrackStep update(const QImage& image) override
    {
        TrackStep step;
        if (m_box.isNull()) {
            step.lost = true;
            step.reason = QStringLiteral("the tracker was not started");
            return step;
        }
        try {
            const auto frame = m_frames->frame(image);
            const int64_t S = m_frames->model().model.config().vision.imageSize;
            const double gx = m_box.width() * m_options.grow, gy = m_box.height() * m_options.grow;
            const QRectF b = m_box.adjusted(-gx, -gy, gx, gy) & QRectF(image.rect());
            compute::sam::Prompt p;
            p.box = compute::samRescaleBox({b.left(), b.top(), b.right(), b.bottom()}, frame->original,
                                           frame->resized);
            if (m_options.interiorPoint && m_point) {
                p.points.push_back(
                    compute::samRescalePoint({m_point->x(), m_point->y()}, frame->original, frame->resized));
                p.labels.push_back(1);
            }
            p.maskInput = m_logits;
            const compute::sam::MaskPrediction pred =
                m_frames->model().model.decode(frame->embedding, p, true);
            const auto best = int64_t(std::max_element(pred.iou.begin(), pred.iou.end()) - pred.iou.begin());
            const compute::Tensor logits = pred.masks.select(0, best).clone();
            const QImage mask =
                toMaskImage(compute::samPostprocessMask(logits, S, frame->resized, frame->original),
                            image.width(), image.height());
            const MaskStats stats = statsOf(mask);
            step.confidence = double(pred.iou[size_t(best)]);
            if (stats.area == 0) {
                step.lost = true;
                step.reason = QStringLiteral("SAM found no object where it was");
                return step;
            }
            if (step.confidence < m_options.minIou) {
                step.lost = true;
                step.reason = QStringLiteral("SAM's predicted IoU %1 is below %2")
                                  .arg(step.confidence, 0, 'f', 2)
                                  .arg(m_options.minIou, 0, 'f', 2);
                return step;
            }
            const double change = double(stats.area) / m_area;
            if (change > m_options.maxAreaChange || change * m_options.maxAreaChange < 1.0) {
                step.lost = true;
                step.reason = QStringLiteral("the mask's area jumped from %1 to %2 pixels")
                                  .arg(qint64(m_area))
                                  .arg(stats.area);
                return step;
            }
            m_logits = logits;
            m_box = QRectF(stats.box);
            m_area = double(stats.area);
            m_point = innermostPoint(mask);
            step.box = m_box;
            step.mask = mask;
        } catch (const Error& e) {
            step.lost = true;
            step.reason = QString::fromStdString(e.what());
        }
        return step;
    }

private:
    std::shared_ptr<SamFrames> m_frames;
    SamTrackOptions m_options;
    compute::Tensor m_logits; // the last mask's low-resolution logits: the next frame's mask input
    QRectF m_box;
    double m_area = 0;
    std::optional<QPointF> m_point;
};

} // namespace

SamFrames::SamFrames(std::shared_ptr<const SamCheckpoint> model) : m_model(std::move(model))
{
    if (!m_model) throw Error("sam", "no SAM model to track with");
}

std::array<int64_t, 2> SamFrames::resizedSize(int width, int height) const
{
    const std::array<int, 2> r = compute::resizedSize(height, width, m_model->processor);
    return {r[0], r[1]};
}

std::shared_ptr<const SamFrames::Frame> SamFrames::frame(const QImage& image)
{
    std::lock_guard lock(m_mutex);
    const qint64 key = image.cacheKey();
    for (const auto& [k, f] : m_cache)
        if (f && k == key) return f;
    const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
    const compute::ImageU8 view{rgb.width(), rgb.height(), 3, size_t(rgb.bytesPerLine()), rgb.constBits()};
    const compute::PreprocessedImage pre = compute::preprocess(view, m_model->processor);
    auto f = std::make_shared<Frame>();
    f->embedding = m_model->model.embed(compute::Tensor::fromF32(pre.shape(), pre.pixels));
    f->original = {rgb.height(), rgb.width()};
    f->resized = pre.reshapedInputSize;
    ++m_embeds;
    m_cache[1] = m_cache[0];
    m_cache[0] = {key, f};
    return f;
}

std::unique_ptr<BoxTracker> makeSamTracker(std::shared_ptr<SamFrames> frames, const SamTrackOptions& options)
{
    return std::make_unique<SamTracker>(std::move(frames), options);
}

std::optional<QPointF> innermostPoint(const QImage& mask)
{
    const QImage m = mask.convertToFormat(QImage::Format_Grayscale8);
    const int w = m.width(), h = m.height();
    // Two-pass 3-4 chamfer distance to the nearest outside pixel (the frame's edge counts as outside).
    constexpr int kFar = 1 << 28;
    std::vector<int> d(size_t(w) * size_t(h));
    auto at = [&](int x, int y) -> int {
        return x < 0 || y < 0 || x >= w || y >= h ? 0 : d[size_t(y) * size_t(w) + size_t(x)];
    };
    bool any = false;
    for (int y = 0; y < h; ++y) {
        const uchar* row = m.constScanLine(y);
        for (int x = 0; x < w; ++x) {
            int& v = d[size_t(y) * size_t(w) + size_t(x)];
            if (!row[x]) {
                v = 0;
                continue;
            }
            any = true;
            v = std::min(
                {kFar, at(x - 1, y) + 3, at(x, y - 1) + 3, at(x - 1, y - 1) + 4, at(x + 1, y - 1) + 4});
        }
    }
    if (!any) return std::nullopt;
    int best = -1;
    QPointF point;
    for (int y = h - 1; y >= 0; --y) {
        for (int x = w - 1; x >= 0; --x) {
            int& v = d[size_t(y) * size_t(w) + size_t(x)];
            if (!v) continue;
            v = std::min({v, at(x + 1, y) + 3, at(x, y + 1) + 3, at(x + 1, y + 1) + 4, at(x - 1, y + 1) + 4});
            if (v >= best) {
                best = v;
                point = QPointF(x + 0.5, y + 0.5);
            }
        }
    }
    return point;
}

} // namespace loupe::core
