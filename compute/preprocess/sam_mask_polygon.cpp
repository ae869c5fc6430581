// SPDX-License-Identifier: MIT
#include "compute/preprocess/sam_mask_polygon.h"

#include <cmath>

namespace loupe::compute {

namespace {

using Point = std::array<double, 2>;

// Keeps only the largest 4-connected region of `mask` (flood fill with an explicit stack).
std::vector<uint8_t> largestRegion(const std::vector<uint8_t>& mask, int64_t w, int64_t h)
{
    std::vector<int32_t> label(mask.size(), 0);
    std::vector<int64_t> stack;
    int32_t best = 0, current = 0;
    int64_t bestSize = 0;
    for (int64_t start = 0; start < w * h; ++start) {
        if (!mask[size_t(start)] || label[size_t(start)]) continue;
        ++current;
        int64_t size = 0;
        stack.push_back(start);
        label[size_t(start)] = current;
        while (!stack.empty()) {
            const int64_t p = stack.back();
            stack.pop_back();
            ++size;
            const int64_t x = p % w, y = p / w;
            const int64_t next[4] = {x > 0 ? p - 1 : -1, x + 1 < w ? p + 1 : -1, y > 0 ? p - w : -1,
                                     y + 1 < h ? p + w : -1};
            for (int64_t q : next)
                if (q >= 0 && mask[size_t(q)] && !label[size_t(q)]) {
                    label[size_t(q)] = current;
                    stack.push_back(q);
                }
        }
        if (size > bestSize) bestSize = size, best = current;
    }
    std::vector<uint8_t> out(mask.size(), 0);
    for (size_t i = 0; i < out.size(); ++i)
        out[i] = best && label[i] == best;
    return out;
}

double distanceToSegment(const Point& p, const Point& a, const Point& b)
{
    const double dx = b[0] - a[0], dy = b[1] - a[1], len2 = dx * dx + dy * dy;
    if (len2 == 0) return std::hypot(p[0] - a[0], p[1] - a[1]);
    const double t = std::max(0.0, std::min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2));
    return std::hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
}

void douglasPeucker(const std::vector<Point>& pts, size_t first, size_t last, double tol,
                    std::vector<bool>& keep)
{
    double worst = 0;
    size_t at = first;
    for (size_t i = first + 1; i < last; ++i) {
        const double d = distanceToSegment(pts[i], pts[first], pts[last]);
        if (d > worst) worst = d, at = i;
    }
    if (worst <= tol) return;
    keep[at] = true;
    douglasPeucker(pts, first, at, tol, keep);
    douglasPeucker(pts, at, last, tol, keep);
}

} // namespace

std::vector<Point> maskOutline(const std::vector<uint8_t>& maskIn, int64_t w, int64_t h, double tolerance)
{
    const std::vector<uint8_t> mask = largestRegion(maskIn, w, h);
    auto inside = [&](int64_t x, int64_t y) {
        return x >= 0 && y >= 0 && x < w && y < h && mask[size_t(y * w + x)];
    };
    int64_t start = -1;
    for (int64_t i = 0; i < w * h && start < 0; ++i)
        if (mask[size_t(i)]) start = i;
    if (start < 0) return {};
    // Walk the pixel edges with the region on the right, starting east along the top edge of the
    // first pixel in raster order. Directions: east, south, west, north (clockwise on screen).
    const int64_t dx[4] = {1, 0, -1, 0}, dy[4] = {0, 1, 0, -1};
    const int64_t sx = start % w, sy = start / w;
    int64_t cx = sx, cy = sy;
    int dir = 0;
    std::vector<Point> corners;
    do {
        cx += dx[dir], cy += dy[dir];
        // The two pixels ahead of the corner, left and right of the direction of travel.
        int64_t lx, ly, rx, ry;
        switch (dir) {
        case 0:
            lx = cx, ly = cy - 1, rx = cx, ry = cy;
            break;
        case 1:
            lx = cx, ly = cy, rx = cx - 1, ry = cy;
            break;
        case 2:
            lx = cx - 1, ly = cy, rx = cx - 1, ry = cy - 1;
            break;
        default:
            lx = cx - 1, ly = cy - 1, rx = cx, ry = cy - 1;
            break;
        }
        int next;
        if (inside(lx, ly))
            next = (dir + 3) % 4;
        else if (inside(rx, ry))
            next = dir;
        else
            next = (dir + 1) % 4;
        if (next != dir) corners.push_back({double(cx), double(cy)});
        dir = next;
    } while (!(cx == sx && cy == sy && dir == 0));
    if (corners.size() < 3) return corners;
    // Close the ring for the simplification, then drop the repeated end.
    corners.push_back(corners.front());
    std::vector<bool> keep(corners.size(), false);
    keep.front() = keep.back() = true;
    douglasPeucker(corners, 0, corners.size() - 1, tolerance, keep);
    std::vector<Point> out;
    for (size_t i = 0; i + 1 < corners.size(); ++i)
        if (keep[i]) out.push_back(corners[i]);
    return out;
}

} // namespace loupe::compute
