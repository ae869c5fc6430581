// SPDX-License-Identifier: MIT
#include "annotation/assist/proposalshapes.h"

#include "compute/preprocess/sam_mask_polygon.h"

#include <cstring>

namespace loupe::annotation {

std::optional<Geometry> proposalGeometry(const core::Detection& d, double tolerance)
{
    if (!d.mask.isNull()) {
        const QImage m = d.mask.convertToFormat(QImage::Format_Grayscale8);
        const int w = m.width(), h = m.height();
        std::vector<uint8_t> bits(size_t(w) * size_t(h));
        for (int y = 0; y < h; ++y) {
            const uchar* row = m.constScanLine(y); // rows are padded to 4 bytes: copy each
            for (int x = 0; x < w; ++x)
                bits[size_t(y) * size_t(w) + size_t(x)] = row[x] >= 128 ? 1 : 0;
        }
        const auto outline = compute::maskOutline(bits, w, h, tolerance);
        if (outline.size() >= 3) {
            PolygonGeom g;
            for (const auto& p : outline)
                g.points << QPointF(p[0], p[1]);
            return g;
        }
    }
    if (d.box.isValid() && !d.box.isEmpty()) return RectangleGeom{d.box.normalized()};
    return std::nullopt;
}

std::vector<Shape> proposalShapes(const std::vector<core::Detection>& detections, qint64 imageId,
                                  qint64 runId, const QHash<QString, qint64>& labelIds, double threshold,
                                  const QDateTime& now)
{
    std::vector<Shape> out;
    for (const core::Detection& d : detections) {
        if (d.score < threshold) continue;
        std::optional<Geometry> g = proposalGeometry(d);
        if (!g) continue;
        Shape s;
        s.imageId = imageId;
        s.labelId = labelIds.value(d.label, 0);
        s.geometry = std::move(*g);
        s.source = ShapeSource::Model;
        s.score = d.score;
        s.runId = runId;
        s.review = ReviewState::New;
        s.created = now;
        s.updated = now;
        out.push_back(std::move(s));
    }
    return out;
}

} // namespace loupe::annotation
