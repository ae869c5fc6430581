// SPDX-License-Identifier: MIT
#include "annotation/propagation/propagator.h"

#include "annotation/geometry/raster.h"
#include "annotation/propagation/track.h"
#include "compute/error.h"
#include "compute/preprocess/sam_mask_polygon.h"
#include "core/imageio.h"

namespace loupe::annotation {

namespace {

QImage maskImage(const std::vector<uint8_t>& bits, int w, int h)
{
    QImage img(w, h, QImage::Format_Grayscale8);
    for (int y = 0; y < h; ++y) {
        uchar* row = img.scanLine(y);
        for (int x = 0; x < w; ++x)
            row[x] = bits[size_t(y) * size_t(w) + size_t(x)] ? 255 : 0;
    }
    return img;
}

std::vector<uint8_t> maskBits(const QImage& mask)
{
    std::vector<uint8_t> bits(size_t(mask.width()) * size_t(mask.height()));
    for (int y = 0; y < mask.height(); ++y) {
        const uchar* row = mask.constScanLine(y);
        for (int x = 0; x < mask.width(); ++x)
            bits[size_t(y) * size_t(mask.width()) + size_t(x)] = row[x] ? 1 : 0;
    }
    return bits;
}

struct Track
{
    Shape seed;
    std::unique_ptr<core::BoxTracker> tracker;
    TrackReport report;
    bool active = true;
};

// The tracker for one shape started on the first frame, or why the shape cannot be carried.
QString startTrack(Track& t, const PropagationRequest& r, const QImage& first,
                   const std::shared_ptr<core::SamFrames>& samFrames)
{
    const Shape& s = t.seed;
    const int w = first.width(), h = first.height();
    QImage mask;
    QRectF box;
    switch (s.kind()) {
    case ShapeKind::Rectangle:
        box = std::get<RectangleGeom>(s.geometry).rect.normalized();
        break;
    case ShapeKind::Polygon: {
        const RleMask m = polygonToMask(std::get<PolygonGeom>(s.geometry).points, w, h);
        mask = maskImage(m.toBitmap(), w, h);
        box = QRectF(m.boundingBox());
        break;
    }
    case ShapeKind::Mask: {
        const RleMask& m = std::get<MaskGeom>(s.geometry).mask;
        if (m.width() != w || m.height() != h)
            return QStringLiteral("its mask is %1x%2 but the frame is %3x%4")
                .arg(m.width())
                .arg(m.height())
                .arg(w)
                .arg(h);
        mask = maskImage(m.toBitmap(), w, h);
        box = QRectF(m.boundingBox());
        break;
    }
    default:
        return QStringLiteral("%1 shapes are not propagated").arg(shapeKindName(s.kind()));
    }
    const bool useSam = s.kind() != ShapeKind::Rectangle || r.boxTracker == BoxTrackerKind::Sam;
    if (useSam && !samFrames)
        return s.kind() == ShapeKind::Rectangle ? QStringLiteral("SAM box tracking needs a SAM model")
                                                : QStringLiteral("masks and polygons need a SAM model");
    if (box.isEmpty()) return QStringLiteral("the shape is empty");
    QString error;
    t.tracker = useSam ? core::makeSamTracker(samFrames, r.samOptions)
                       : core::makeOpenCvTracker(r.openCvOptions, &error);
    if (!t.tracker) return error;
    return t.tracker->init(first, box, mask);
}

Shape carried(const Shape& seed, const core::TrackStep& step, const Frame& frame, double tolerance)
{
    Shape s;
    s.imageId = frame.id;
    s.labelId = seed.labelId;
    s.attributes = seed.attributes;
    s.attributes.insert(kTrackAttribute, trackOf(seed));
    s.source = ShapeSource::Model;
    s.score = step.confidence;
    s.review = ReviewState::New;
    switch (seed.kind()) {
    case ShapeKind::Mask:
        s.geometry =
            MaskGeom{RleMask::fromBitmap(maskBits(step.mask).data(), step.mask.width(), step.mask.height())};
        break;
    case ShapeKind::Polygon: {
        QPolygonF poly;
        for (const auto& p :
             compute::maskOutline(maskBits(step.mask), step.mask.width(), step.mask.height(), tolerance))
            poly.append(QPointF(p[0], p[1]));
        s.geometry = PolygonGeom{poly};
        break;
    }
    default:
        s.geometry = RectangleGeom{step.box};
        break;
    }
    return s;
}

} // namespace

PropagationResult propagate(const PropagationRequest& r, const std::function<void(int, int)>& progress,
                            const std::function<bool()>& cancelled)
{
    PropagationResult out;
    if (r.frames.size() < 2) return out;
    auto read = [&](const Frame& f) {
        QString error;
        const QImage img = core::readImage(f.path, &error);
        if (img.isNull())
            out.error = error.isEmpty() ? f.path + QStringLiteral(": cannot read the frame") : error;
        return img;
    };
    const QImage first = read(r.frames.front());
    if (first.isNull()) return out;

    std::shared_ptr<core::SamFrames> samFrames;
    if (r.sam) samFrames = std::make_shared<core::SamFrames>(r.sam);
    std::vector<Track> tracks;
    for (const Shape& s : r.shapes) {
        Track t;
        t.seed = s;
        t.report.shapeId = s.id;
        t.report.track = trackOf(s);
        const QString why = startTrack(t, r, first, samFrames);
        if (!why.isEmpty()) {
            t.report.skipped = true;
            t.report.reason = why;
            t.active = false;
        }
        tracks.push_back(std::move(t));
    }

    const int total = int(r.frames.size()) - 1;
    for (int i = 1; i <= total; ++i) {
        if (cancelled && cancelled()) {
            out.cancelled = true;
            out.shapes.clear();
            break;
        }
        if (std::none_of(tracks.begin(), tracks.end(), [](const Track& t) { return t.active; })) break;
        const Frame& frame = r.frames[size_t(i)];
        const QImage image = read(frame);
        if (image.isNull()) {
            out.shapes.clear();
            break;
        }
        for (Track& t : tracks) {
            if (!t.active) continue;
            const core::TrackStep step = t.tracker->update(image);
            if (step.lost) {
                t.active = false;
                t.report.lostAt = frame.id;
                t.report.reason = step.reason;
                continue;
            }
            out.shapes.push_back(carried(t.seed, step, frame, r.polygonTolerance));
            ++t.report.carried;
        }
        if (progress) progress(i, total);
    }
    for (Track& t : tracks)
        out.tracks.push_back(t.report);
    return out;
}

} // namespace loupe::annotation
