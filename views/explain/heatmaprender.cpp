// SPDX-License-Identifier: MIT
#include "views/explain/heatmaprender.h"

#include "compute/attribution/attention_maps.h"

#include <QPainter>
#include <algorithm>
#include <cmath>

namespace loupe::views {

namespace {

bool valid(const std::vector<float>& grid, int rows, int cols, QSize size)
{
    return rows > 0 && cols > 0 && grid.size() == size_t(rows) * size_t(cols) && !size.isEmpty();
}

// Source coordinate of output pixel i: (i + 0.5)·in/out − 0.5, clamped at the edges. The same float
// operations as upsampleBilinear, so a hovered value equals the exported map's pixel bit for bit.
void axis(int i, int out, int in, int* i0, int* i1, float* f)
{
    const float scale = float(in) / float(out);
    const float s = std::max(0.0f, (float(i) + 0.5f) * scale - 0.5f);
    *i0 = std::min(int(s), in - 1);
    *i1 = std::min(*i0 + 1, in - 1);
    *f = s - float(*i0);
}

} // namespace

QImage renderHeatMap(const std::vector<float>& grid, int rows, int cols, QSize size, Colormap map,
                     double threshold)
{
    if (!valid(grid, rows, cols, size)) return {};
    const std::vector<float> v = compute::attribution::normalizeMinMax(
        compute::attribution::upsampleBilinear(grid, rows, cols, size.height(), size.width()));
    const std::array<QRgb, 256>& table = colormapTable(map);
    QImage out(size, QImage::Format_ARGB32);
    for (int y = 0; y < size.height(); ++y) {
        auto* line = reinterpret_cast<QRgb*>(out.scanLine(y));
        const float* src = v.data() + size_t(y) * size_t(size.width());
        for (int x = 0; x < size.width(); ++x)
            line[x] = double(src[x]) < threshold ? qRgba(0, 0, 0, 0) : table[size_t(colormapIndex(src[x]))];
    }
    return out;
}

QImage renderGrey(const std::vector<float>& grid, int rows, int cols, QSize size)
{
    if (!valid(grid, rows, cols, size)) return {};
    const std::vector<float> v = compute::attribution::normalizeMinMax(
        compute::attribution::upsampleBilinear(grid, rows, cols, size.height(), size.width()));
    QImage out(size, QImage::Format_Grayscale8);
    for (int y = 0; y < size.height(); ++y) {
        uchar* line = out.scanLine(y);
        const float* src = v.data() + size_t(y) * size_t(size.width());
        for (int x = 0; x < size.width(); ++x)
            line[x] = uchar(std::lround(std::clamp(src[x], 0.0f, 1.0f) * 255.0f));
    }
    return out;
}

QImage blendOver(const QImage& base, const QImage& heat, double opacity)
{
    QImage out = base.convertToFormat(QImage::Format_RGB888);
    if (heat.isNull()) return out;
    QPainter p(&out);
    p.setOpacity(std::clamp(opacity, 0.0, 1.0));
    p.setRenderHint(QPainter::SmoothPixmapTransform);
    p.drawImage(QRect(QPoint(0, 0), out.size()), heat);
    return out;
}

float sampleBilinear(const std::vector<float>& grid, int rows, int cols, QSize size, QPoint pixel)
{
    if (!valid(grid, rows, cols, size)) return 0.0f;
    int y0, y1, x0, x1;
    float fy, fx;
    axis(std::clamp(pixel.y(), 0, size.height() - 1), size.height(), rows, &y0, &y1, &fy);
    axis(std::clamp(pixel.x(), 0, size.width() - 1), size.width(), cols, &x0, &x1, &fx);
    const auto at = [&](int r, int c) { return grid[size_t(r) * size_t(cols) + size_t(c)]; };
    const float top = at(y0, x0) * (1 - fx) + at(y0, x1) * fx;
    const float bottom = at(y1, x0) * (1 - fx) + at(y1, x1) * fx;
    return top * (1 - fy) + bottom * fy;
}

} // namespace loupe::views
