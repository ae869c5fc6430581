// SPDX-License-Identifier: MIT
#include "annotation/propagation/interpolation.h"

#include "annotation/propagation/track.h"

#include <algorithm>
#include <set>

namespace loupe::annotation {

namespace {

struct Key
{
    int frame = 0; // index into frames
    const Shape* shape = nullptr;
};

QPointF lerp(QPointF a, QPointF b, double t)
{
    return a + (b - a) * t;
}

} // namespace

InterpolationResult interpolateBoxes(const std::vector<qint64>& frames,
                                     const std::map<qint64, std::vector<Shape>>& shapes)
{
    // Boxes by track, in frame order; untracked boxes that are alone in their track by label.
    std::map<qint64, std::vector<Key>> tracks;
    std::map<qint64, std::vector<Key>> loneByLabel;
    std::map<qint64, int> boxesOfTrack;
    for (int i = 0; i < int(frames.size()); ++i) {
        const auto it = shapes.find(frames[size_t(i)]);
        if (it == shapes.end()) continue;
        for (const Shape& s : it->second)
            if (s.kind() == ShapeKind::Rectangle) ++boxesOfTrack[trackOf(s)];
    }
    std::set<std::pair<qint64, int>> crowded; // (label, frame) with two or more lone boxes
    for (int i = 0; i < int(frames.size()); ++i) {
        const auto it = shapes.find(frames[size_t(i)]);
        if (it == shapes.end()) continue;
        for (const Shape& s : it->second) {
            if (s.kind() != ShapeKind::Rectangle) continue;
            const qint64 t = trackOf(s);
            if (!hasTrackAttribute(s) && boxesOfTrack[t] == 1) {
                auto& lone = loneByLabel[s.labelId];
                if (!lone.empty() && lone.back().frame == i) crowded.insert({s.labelId, i});
                lone.push_back({i, &s});
            } else {
                tracks[t].push_back({i, &s});
            }
        }
    }
    for (auto& [label, keys] : loneByLabel) {
        // A label drawn twice on one frame is ambiguous: those boxes stay on their own.
        std::vector<Key> joined;
        for (const Key& k : keys)
            if (!crowded.count({label, k.frame})) joined.push_back(k);
        if (joined.size() >= 2) tracks[joined.front().shape->id] = joined;
    }

    InterpolationResult out;
    for (auto& [track, keys] : tracks) {
        std::stable_sort(keys.begin(), keys.end(),
                         [](const Key& a, const Key& b) { return a.frame < b.frame; });
        bool counted = false;
        for (size_t k = 0; k + 1 < keys.size(); ++k) {
            const Key& a = keys[k];
            const Key& b = keys[k + 1];
            if (b.frame == a.frame) continue; // two boxes of one track on a frame: nothing to fill
            if (!counted) {
                ++out.tracks;
                counted = true;
            }
            const QRectF ra = std::get<RectangleGeom>(a.shape->geometry).rect.normalized();
            const QRectF rb = std::get<RectangleGeom>(b.shape->geometry).rect.normalized();
            for (int f = a.frame + 1; f < b.frame; ++f) {
                const double t = double(f - a.frame) / double(b.frame - a.frame);
                Shape s;
                s.imageId = frames[size_t(f)];
                s.labelId = a.shape->labelId;
                s.attributes = a.shape->attributes;
                s.attributes.insert(kTrackAttribute, track);
                s.geometry = RectangleGeom{
                    QRectF(lerp(ra.topLeft(), rb.topLeft(), t), lerp(ra.bottomRight(), rb.bottomRight(), t))};
                s.source = ShapeSource::Model;
                s.review = ReviewState::New;
                out.shapes.push_back(std::move(s));
            }
        }
    }
    return out;
}

} // namespace loupe::annotation
