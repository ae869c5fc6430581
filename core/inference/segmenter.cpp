// SPDX-License-Identifier: MIT
#include "core/inference/segmenter.h"

#include "compute/error.h"
#include "compute/io/checkpoint.h"
#include "compute/preprocess/sam_prompts.h"
#include "core/imageio.h"

#include <QDateTime>
#include <QFileInfo>
#include <algorithm>
#include <condition_variable>
#include <deque>
#include <list>
#include <mutex>
#include <thread>

namespace loupe::core {

using compute::Error;

std::shared_ptr<const SamCheckpoint> SamCheckpoint::open(const QString& folder,
                                                         const compute::EngineOptions& options)
{
    const compute::Checkpoint ckpt = compute::Checkpoint::open(folder.toStdString(), options);
    compute::SamModel model = compute::SamModel::fromCheckpoint(ckpt);
    const QString procPath = folder + QStringLiteral("/preprocessor_config.json");
    if (!QFileInfo::exists(procPath))
        throw Error(procPath.toStdString(),
                    "missing: a SAM checkpoint folder needs its SamImageProcessor settings");
    auto processor = compute::ImageProcessorConfig::fromFile(procPath.toStdString());
    const int64_t S = model.config().vision.imageSize;
    if (processor.resizeMode != compute::ImageProcessorConfig::ResizeMode::LongestEdge || !processor.doPad ||
        processor.padHeight != S || processor.padWidth != S || processor.sizeEdge > S)
        throw Error(procPath.toStdString(),
                    "is not a SAM processor for this model (longest_edge resize, padded to " +
                        std::to_string(S) + "x" + std::to_string(S) + ")");
    return std::make_shared<const SamCheckpoint>(
        SamCheckpoint{folder, std::move(model), std::move(processor), options});
}

namespace {

// One image as the segmenter keeps it: its pixels and, with a model, its embedding.
struct Embedded
{
    QImage rgb; // Format_RGB888
    std::optional<compute::Tensor> embedding;
    std::array<int64_t, 2> original{}, resized{};
};

struct CacheEntry
{
    QString key;
    quint64 generation = 0;
    std::shared_ptr<const Embedded> value;
};

QString cacheKey(const QString& path)
{
    const QFileInfo info(path);
    return info.absoluteFilePath() + QLatin1Char('@') +
           QString::number(info.lastModified().toMSecsSinceEpoch());
}

QImage maskImage(const std::vector<uint8_t>& mask, int w, int h)
{
    QImage img(w, h, QImage::Format_Grayscale8);
    for (int y = 0; y < h; ++y) {
        uchar* row = img.scanLine(y);
        for (int x = 0; x < w; ++x)
            row[x] = mask[size_t(y) * size_t(w) + size_t(x)] ? 255 : 0;
    }
    return img;
}

} // namespace

struct Segmenter::Impl
{
    mutable std::mutex mutex; // model, generation, cache, queue
    std::shared_ptr<const SamCheckpoint> model;
    quint64 generation = 0;
    std::list<CacheEntry> cache; // most recent first
    std::deque<QString> queue;
    bool stop = false, busy = false;
    std::condition_variable wake, idle;
    std::mutex embedMutex; // one embedding at a time: a click and a prefetch of the same image share it
    std::atomic<int> embeds{0};
    std::thread worker;

    std::shared_ptr<const Embedded> cached(const QString& key, quint64 gen)
    {
        for (auto it = cache.begin(); it != cache.end(); ++it) {
            if (it->key == key && it->generation == gen) {
                cache.splice(cache.begin(), cache, it);
                return it->value;
            }
        }
        return {};
    }

    // The image at `path` read and (with a model) embedded, from the cache when it is there.
    std::shared_ptr<const Embedded> load(const QString& path, const QImage* given,
                                         std::shared_ptr<const SamCheckpoint>* usedModel, QString* error)
    {
        const QString key = cacheKey(path);
        std::shared_ptr<const SamCheckpoint> m;
        quint64 gen = 0;
        {
            std::lock_guard lock(mutex);
            m = model;
            gen = generation;
            if (auto hit = cached(key, gen)) {
                *usedModel = m;
                return hit;
            }
        }
        std::lock_guard embedLock(embedMutex);
        {
            std::lock_guard lock(mutex);
            if (gen != generation) { // the model changed while waiting: answer with the new one
                m = model;
                gen = generation;
            }
            if (auto hit = cached(key, gen)) {
                *usedModel = m;
                return hit;
            }
        }
        QString readError;
        const QImage decoded = given ? *given : readImage(path, &readError);
        if (decoded.isNull()) {
            *error = given ? path + QStringLiteral(": no pixels to segment") : readError;
            return {};
        }
        auto e = std::make_shared<Embedded>();
        e->rgb = decoded.convertToFormat(QImage::Format_RGB888);
        const int W = e->rgb.width(), H = e->rgb.height();
        e->original = {H, W};
        if (m) {
            try {
                const compute::ImageU8 view{W, H, 3, size_t(e->rgb.bytesPerLine()), e->rgb.constBits()};
                const compute::PreprocessedImage pre = compute::preprocess(view, m->processor);
                e->embedding = m->model.embed(compute::Tensor::fromF32(pre.shape(), pre.pixels));
                e->resized = pre.reshapedInputSize;
                embeds.fetch_add(1);
            } catch (const Error& err) {
                *error = path + QStringLiteral(": ") + QString::fromStdString(err.what());
                return {};
            }
        }
        std::lock_guard lock(mutex);
        if (gen == generation) {
            cache.push_front({key, gen, e});
            while (int(cache.size()) > kCacheSize)
                cache.pop_back();
        }
        *usedModel = m;
        return e;
    }

    void run()
    {
        for (;;) {
            QString path;
            {
                std::unique_lock lock(mutex);
                busy = false;
                idle.notify_all();
                wake.wait(lock, [&] { return stop || !queue.empty(); });
                if (stop) return;
                path = queue.front();
                queue.pop_front();
                busy = true;
            }
            // A file that cannot be read is reported when it is clicked, not here.
            std::shared_ptr<const SamCheckpoint> used;
            QString ignored;
            load(path, nullptr, &used, &ignored);
        }
    }
};

Segmenter::Segmenter() : d(std::make_unique<Impl>())
{
    d->worker = std::thread([this] { d->run(); });
}

Segmenter::~Segmenter()
{
    {
        std::lock_guard lock(d->mutex);
        d->stop = true;
        d->queue.clear();
    }
    d->wake.notify_all();
    d->worker.join();
}

void Segmenter::setModel(std::shared_ptr<const SamCheckpoint> model)
{
    std::lock_guard lock(d->mutex);
    d->model = std::move(model);
    ++d->generation;
    d->cache.clear();
}

std::shared_ptr<const SamCheckpoint> Segmenter::model() const
{
    std::lock_guard lock(d->mutex);
    return d->model;
}

SegmentResult::Engine Segmenter::engine() const
{
    return model() ? SegmentResult::Engine::Sam : SegmentResult::Engine::GrabCut;
}

SegmentResult Segmenter::segment(const QString& path, const SegmentPrompt& prompt)
{
    return segment(path, QImage(), prompt);
}

SegmentResult Segmenter::segment(const QString& path, const QImage& image, const SegmentPrompt& prompt)
{
    SegmentResult r;
    r.engine = engine();
    if (prompt.isEmpty()) {
        r.error = QStringLiteral("give at least one click or a box");
        return r;
    }
    if (prompt.labels.size() != prompt.points.size()) {
        r.error = QStringLiteral("every click needs a label (1 foreground, 0 background)");
        return r;
    }
    std::shared_ptr<const SamCheckpoint> m;
    const std::shared_ptr<const Embedded> e = d->load(path, image.isNull() ? nullptr : &image, &m, &r.error);
    if (!e) return r;
    r.engine = m ? SegmentResult::Engine::Sam : SegmentResult::Engine::GrabCut;
    if (!m) {
        SegmentResult g = grabCutSegment(e->rgb, prompt);
        if (!g.ok()) g.error = path + QStringLiteral(": ") + g.error;
        return g;
    }
    try {
        compute::sam::Prompt p;
        for (int i = 0; i < prompt.points.size(); ++i) {
            p.points.push_back(compute::samRescalePoint({prompt.points[i].x(), prompt.points[i].y()},
                                                        e->original, e->resized));
            p.labels.push_back(prompt.labels[i] ? 1 : 0);
        }
        if (prompt.box) {
            const QRectF b = prompt.box->normalized();
            p.box =
                compute::samRescaleBox({b.left(), b.top(), b.right(), b.bottom()}, e->original, e->resized);
        }
        const compute::sam::MaskPrediction pred = m->model.decode(*e->embedding, p, true);
        const auto best = int64_t(std::max_element(pred.iou.begin(), pred.iou.end()) - pred.iou.begin());
        const int64_t S = m->model.config().vision.imageSize;
        const std::vector<uint8_t> mask =
            compute::samPostprocessMask(pred.masks.select(0, best), S, e->resized, e->original);
        r.mask = maskImage(mask, e->rgb.width(), e->rgb.height());
        r.score = pred.iou[size_t(best)];
    } catch (const Error& err) {
        r.error = path + QStringLiteral(": ") + QString::fromStdString(err.what());
    }
    return r;
}

void Segmenter::prefetch(const QStringList& paths)
{
    {
        std::lock_guard lock(d->mutex);
        d->queue.clear();
        if (!d->model) return;
        for (const QString& p : paths)
            d->queue.push_back(p);
    }
    d->wake.notify_all();
}

void Segmenter::waitForPrefetch()
{
    std::unique_lock lock(d->mutex);
    d->idle.wait(lock, [&] { return d->queue.empty() && !d->busy; });
}

int Segmenter::embedCount() const
{
    return d->embeds.load();
}

} // namespace loupe::core
