// SPDX-License-Identifier: MIT
#pragma once

#include "compute/engine_options.h"
#include "compute/models/sam.h"
#include "compute/preprocess/image_processor.h"

#include <QImage>
#include <QPointF>
#include <QRectF>
#include <QString>
#include <QStringList>
#include <QVector>
#include <atomic>
#include <memory>
#include <optional>

namespace loupe::core {

// A SAM checkpoint folder opened: the model and its SamImageProcessor settings, checked to fit each
// other (longest-edge resize, padded to the model's input size).
struct SamCheckpoint
{
    QString folder;
    compute::SamModel model;
    compute::ImageProcessorConfig processor;
    compute::EngineOptions engineOptions; // what it was opened with: caches of opened models key on it

    // Throws compute::Error naming the folder or file and the problem.
    static std::shared_ptr<const SamCheckpoint> open(const QString& folder,
                                                     const compute::EngineOptions& options = {});
};

// Clicks and/or a box in the image's pixels.
struct SegmentPrompt
{
    QVector<QPointF> points;
    QVector<int> labels; // per point: 1 foreground, 0 background
    std::optional<QRectF> box;

    bool isEmpty() const { return points.isEmpty() && !box; }
};

struct SegmentResult
{
    enum class Engine { Sam, GrabCut };
    Engine engine = Engine::GrabCut;
    QImage mask;      // Format_Grayscale8 at the image's size, 255 inside; null on failure
    double score = 0; // SAM's predicted IoU of the mask; GrabCut rates nothing and leaves 0
    QString error;    // why `mask` is null

    bool ok() const { return !mask.isNull(); }
};

// Click-to-mask on image files. With a SAM model each image is embedded once (the expensive step) and
// kept in a small LRU keyed by path and modification time, so every further click only runs the
// decoder; prefetch() embeds the next images on a worker thread. Without a model OpenCV's GrabCut
// answers the same prompts. segment() may be called from any thread; calls are serialised per
// embedding, never per decode.
class Segmenter
{
public:
    static constexpr int kCacheSize = 4;

    Segmenter();
    ~Segmenter(); // drops queued prefetches and waits for the one running
    Segmenter(const Segmenter&) = delete;
    Segmenter& operator=(const Segmenter&) = delete;

    // Replaces the model (nullptr: GrabCut). Cached embeddings belong to the old model and are dropped.
    void setModel(std::shared_ptr<const SamCheckpoint> model);
    std::shared_ptr<const SamCheckpoint> model() const;
    SegmentResult::Engine engine() const;
    // Whether the GrabCut fallback was built in (it needs OpenCV imgproc).
    static bool grabCutAvailable();

    // The mask for `prompt` on the image at `path`, at the image's size.
    SegmentResult segment(const QString& path, const SegmentPrompt& prompt);
    // Same on pixels already decoded (the canvas's), cached under `path` as if read from it.
    SegmentResult segment(const QString& path, const QImage& image, const SegmentPrompt& prompt);
    // Embeds these images ahead of their first click, one after another on a worker thread; replaces
    // what was queued before. Does nothing without a model.
    void prefetch(const QStringList& paths);
    // Waits until the prefetch queue is empty (tests).
    void waitForPrefetch();

    // How many images have been embedded since construction (each cache miss counts once).
    int embedCount() const;

    struct Impl;

private:
    std::unique_ptr<Impl> d;
};

// OpenCV GrabCut on an image: the box (or, without one, a box around the positive clicks) seeds the
// probable foreground, positive clicks are sure foreground and negative ones sure background.
SegmentResult grabCutSegment(const QImage& image, const SegmentPrompt& prompt);

} // namespace loupe::core
