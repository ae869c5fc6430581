// SPDX-License-Identifier: MIT
#include "annotation/geometry/raster.h"

#include "annotation/geometry/measure.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace loupe::annotation {

RleMask polygonToMask(const QPolygonF& poly, int width, int height)
{
    std::vector<uint8_t> px(size_t(std::max(width, 0)) * std::max(height, 0), 0);
    const int n = poly.size();
    std::vector<double> xs;
    for (int y = 0; y < height && n >= 3; ++y) {
        const double cy = y + 0.5;
        xs.clear();
        for (int i = 0; i < n; ++i) {
            const QPointF a = poly[i], b = poly[(i + 1) % n];
            // Half-open on y so a vertex exactly on the scanline counts once.
            if ((a.y() <= cy && b.y() > cy) || (b.y() <= cy && a.y() > cy))
                xs.push_back(a.x() + (cy - a.y()) * (b.x() - a.x()) / (b.y() - a.y()));
        }
        std::sort(xs.begin(), xs.end());
        for (size_t k = 0; k + 1 < xs.size(); k += 2) {
            // Pixel x is set when x + 0.5 lies in [xs[k], xs[k+1]).
            const int x0 = std::max(0, int(std::ceil(xs[k] - 0.5)));
            const int x1 = std::min(width, int(std::ceil(xs[k + 1] - 0.5)));
            for (int x = x0; x < x1; ++x)
                px[size_t(y) * width + x] = 1;
        }
    }
    return RleMask::fromBitmap(px.data(), width, height);
}

MaskOutline maskToPolygons(const RleMask& mask)
{
    // Work inside the mask's box only; coordinates stay in image pixels.
    const QRect box = mask.boundingBox();
    const int bx = box.left(), by = box.top(), w = box.width(), h = box.height();
    const std::vector<uint8_t> px = mask.toBitmap(box);
    auto at = [&](int x, int y) {
        x -= bx;
        y -= by;
        return x >= 0 && y >= 0 && x < w && y < h && px[size_t(y) * w + x];
    };
    // Directed edges along pixel borders with the foreground on the right (y down), so outer loops
    // run clockwise on screen (positive shoelace). Keyed by start corner.
    using Corner = std::pair<int, int>;
    std::multimap<Corner, Corner> edges;
    for (int y = by; y < by + h; ++y) {
        for (int x = bx; x < bx + w; ++x) {
            if (!at(x, y)) continue;
            if (!at(x, y - 1)) edges.emplace(Corner{x, y}, Corner{x + 1, y});
            if (!at(x + 1, y)) edges.emplace(Corner{x + 1, y}, Corner{x + 1, y + 1});
            if (!at(x, y + 1)) edges.emplace(Corner{x + 1, y + 1}, Corner{x, y + 1});
            if (!at(x - 1, y)) edges.emplace(Corner{x, y + 1}, Corner{x, y});
        }
    }
    MaskOutline out;
    while (!edges.empty()) {
        auto it = edges.begin();
        const Corner start = it->first;
        Corner prev = start, cur = it->second;
        edges.erase(it);
        std::vector<Corner> loop{start};
        while (cur != start) {
            loop.push_back(cur);
            auto [lo, hi] = edges.equal_range(cur);
            if (lo == hi) break; // cannot happen for a valid edge set; guards against a malformed mask
            auto pick = lo;
            if (std::next(lo) != hi) {
                // Two ways on at a corner where pixels touch diagonally: turn right (towards the
                // foreground) so the loop stays on its own 4-connected component.
                const int dx = cur.first - prev.first, dy = cur.second - prev.second;
                const Corner right{cur.first - dy, cur.second + dx};
                for (auto e = lo; e != hi; ++e)
                    if (e->second == right) pick = e;
            }
            prev = cur;
            cur = pick->second;
            edges.erase(pick);
        }
        QPolygonF poly;
        const size_t n = loop.size();
        for (size_t i = 0; i < n; ++i) {
            const Corner a = loop[(i + n - 1) % n], b = loop[i], c = loop[(i + 1) % n];
            const bool collinear =
                (b.first - a.first) * (c.second - b.second) == (b.second - a.second) * (c.first - b.first);
            if (!collinear) poly << QPointF(b.first, b.second);
        }
        if (poly.size() < 3) continue;
        if (signedArea(poly) > 0)
            out.outer.push_back(poly);
        else
            out.holes.push_back(poly);
    }
    return out;
}

void paintStroke(RleMask& mask, QPointF from, QPointF to, double radius, bool set)
{
    // Edits the mask as row spans, touching only the rows the stroke crosses: O(runs + stroke area)
    // instead of decoding and re-encoding every pixel of a possibly 4000 x 3000 mask per mouse move.
    const int w = mask.width(), h = mask.height();
    const int x0 = std::max(0, int(std::floor(std::min(from.x(), to.x()) - radius)));
    const int x1 = std::min(w - 1, int(std::ceil(std::max(from.x(), to.x()) + radius)));
    const int y0 = std::max(0, int(std::floor(std::min(from.y(), to.y()) - radius)));
    const int y1 = std::min(h - 1, int(std::ceil(std::max(from.y(), to.y()) + radius)));
    if (w == 0 || h == 0 || x0 > x1 || y0 > y1) return;
    using Span = RowSpan;
    std::vector<Span> spans;
    mask.forEachRowSpan([&](int y, int a, int b) { spans.push_back({y, a, b}); });
    std::vector<Span> out;
    out.reserve(spans.size() + size_t(y1 - y0 + 1));
    size_t i = 0;
    for (; i < spans.size() && spans[i].y < y0; ++i)
        out.push_back(spans[i]);
    std::vector<uint8_t> row(size_t(x1 - x0 + 1));
    for (int y = y0; y <= y1; ++y) {
        // The row's pixels inside the stroke's box, edited, then turned back into spans.
        std::fill(row.begin(), row.end(), uint8_t(0));
        std::vector<Span> left, right; // parts of the row's spans outside the stroke's box
        for (; i < spans.size() && spans[i].y == y; ++i) {
            const Span s = spans[i];
            if (s.x0 < x0) left.push_back({y, s.x0, std::min(s.x1, x0)});
            for (int x = std::max(s.x0, x0); x < std::min(s.x1, x1 + 1); ++x)
                row[size_t(x - x0)] = 1;
            if (s.x1 > x1 + 1) right.push_back({y, std::max(s.x0, x1 + 1), s.x1});
        }
        for (int x = x0; x <= x1; ++x)
            if (distanceToSegment(QPointF(x + 0.5, y + 0.5), from, to) <= radius)
                row[size_t(x - x0)] = set ? 1 : 0;
        out.insert(out.end(), left.begin(), left.end());
        for (int x = x0; x <= x1;) {
            if (!row[size_t(x - x0)]) {
                ++x;
                continue;
            }
            int e = x;
            while (e <= x1 && row[size_t(e - x0)])
                ++e;
            out.push_back({y, x, e});
            x = e;
        }
        out.insert(out.end(), right.begin(), right.end());
    }
    for (; i < spans.size(); ++i)
        out.push_back(spans[i]);
    mask = RleMask::fromRowSpans(w, h, out);
}

} // namespace loupe::annotation
