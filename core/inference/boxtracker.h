// SPDX-License-Identifier: MIT
#pragma once

#include "compute/tensor.h"
#include "core/inference/segmenter.h"

#include <QImage>
#include <QPointF>
#include <QRectF>
#include <QString>
#include <array>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>

namespace loupe::core {

// Where a tracker found its object on the next frame.
struct TrackStep
{
    bool lost = false;
    QRectF box;            // image pixels; null when lost
    double confidence = 0; // 0..1: SAM's predicted IoU, or the OpenCV tracker's appearance match
    QImage mask;           // Format_Grayscale8 at the frame's size, 255 inside (SAM only); null otherwise
    QString reason;        // why the object was lost
};

// Follows one object from frame to frame: init() on the frame where it is known, then update() on each
// following frame in order. Trackers are not thread-safe; one track belongs to one thread.
class BoxTracker
{
public:
    virtual ~BoxTracker() = default;
    // Starts on `image` with the object's box and, when known, its mask (Format_Grayscale8, nonzero inside,
    // at the image's size). Returns an empty string, or why the object cannot be followed.
    virtual QString init(const QImage& image, const QRectF& box, const QImage& mask = {}) = 0;
    virtual TrackStep update(const QImage& image) = 0;
};

// --- OpenCV (cv::TrackerMIL) -----------------------------------------------------------------------

// Whether Loupe was built with OpenCV's video module (the single-object trackers).
bool openCvTrackerAvailable();

struct OpenCvTrackOptions
{
    // The object counts as lost when its appearance matches the first frame's less than this
    // (normalised cross-correlation of the box contents, clamped to 0..1). 0 never drops on appearance.
    double minConfidence = 0.0;
    // ... or when less than this fraction of the tracked box is left inside the frame.
    double minInside = 0.5;
};

// nullptr and *error ("built without OpenCV video") when the module was missing at build time.
std::unique_ptr<BoxTracker> makeOpenCvTracker(const OpenCvTrackOptions& options, QString* error);

// --- SAM refinement --------------------------------------------------------------------------------

// The image embeddings of the frames being tracked, shared by every SAM track of one run so that each
// frame is embedded once however many objects follow it. Frames are keyed by QImage::cacheKey(): pass
// the same QImage (or a shallow copy of it) to every track of a frame. Keeps the last two frames.
class SamFrames
{
public:
    struct Frame
    {
        compute::Tensor embedding;
        std::array<int64_t, 2> original{}, resized{}; // (height, width)
    };

    explicit SamFrames(std::shared_ptr<const SamCheckpoint> model);
    const SamCheckpoint& model() const { return *m_model; }
    // Throws compute::Error when the model cannot embed the image.
    std::shared_ptr<const Frame> frame(const QImage& image);
    // The resized size the model's processor gives an image of this size (no embedding).
    std::array<int64_t, 2> resizedSize(int width, int height) const;
    int embedCount() const { return m_embeds; }

private:
    std::shared_ptr<const SamCheckpoint> m_model;
    std::mutex m_mutex;
    std::array<std::pair<qint64, std::shared_ptr<const Frame>>, 2> m_cache{};
    int m_embeds = 0;
};

struct SamTrackOptions
{
    // The previous box is grown by this fraction of its width/height on every side before it prompts
    // the next frame: objects move.
    double grow = 0.1;
    // Lost when SAM's predicted IoU of its best mask falls below this ...
    double minIou = 0.5;
    // ... or when the mask's area changes by more than this factor from one frame to the next.
    double maxAreaChange = 2.0;
    // Also prompt with the previous mask's innermost point (a positive click).
    bool interiorPoint = true;

    static SamTrackOptions permissive() // never lost while the mask is not empty (tests, odd models)
    {
        SamTrackOptions o;
        o.minIou = 0;
        o.maxAreaChange = std::numeric_limits<double>::infinity();
        return o;
    }
};

// Carries a mask to the next frame with SAM: the next frame is prompted with the previous box (grown),
// the previous mask's low-resolution logits as mask input and its innermost point; the mask SAM rates
// best is kept. Without a mask at init(), SAM segments the box on the first frame to start from.
std::unique_ptr<BoxTracker> makeSamTracker(std::shared_ptr<SamFrames> frames,
                                           const SamTrackOptions& options = {});

// The pixel of a mask (Grayscale8, nonzero inside) farthest from its border (its centre for a convex
// object); null when the mask is empty.
std::optional<QPointF> innermostPoint(const QImage& mask);

} // namespace loupe::core
