// SPDX-License-Identifier: MIT
#include "views/canvas/downsample.h"

#include <algorithm>
#include <vector>

namespace loupe::views {

namespace {

// Halving is the hot path of the pyramid: channels are summed two at a time in 16-bit lanes.
QImage halve(const QImage& src)
{
    const int w = src.width(), h = src.height();
    const int ow = (w + 1) / 2, oh = (h + 1) / 2;
    QImage out(ow, oh, src.format());
    for (int y = 0; y < oh; ++y) {
        const auto* r0 = reinterpret_cast<const quint32*>(src.constScanLine(2 * y));
        const auto* r1 = reinterpret_cast<const quint32*>(src.constScanLine(std::min(2 * y + 1, h - 1)));
        auto* o = reinterpret_cast<quint32*>(out.scanLine(y));
        for (int x = 0; x < ow; ++x) {
            const int x0 = 2 * x, x1 = std::min(2 * x + 1, w - 1);
            const quint32 a = r0[x0], b = r0[x1], c = r1[x0], d = r1[x1];
            const quint32 rb =
                (a & 0x00FF00FFu) + (b & 0x00FF00FFu) + (c & 0x00FF00FFu) + (d & 0x00FF00FFu) + 0x00020002u;
            const quint32 ag = ((a >> 8) & 0x00FF00FFu) + ((b >> 8) & 0x00FF00FFu) +
                               ((c >> 8) & 0x00FF00FFu) + ((d >> 8) & 0x00FF00FFu) + 0x00020002u;
            o[x] = ((rb >> 2) & 0x00FF00FFu) | (((ag >> 2) & 0x00FF00FFu) << 8);
        }
    }
    return out;
}

} // namespace

QImage downsampleBox(const QImage& source, int factor)
{
    if (source.isNull() || factor <= 1) return source;
    Q_ASSERT(source.depth() == 32);
    if (factor == 2) return halve(source);
    const int w = source.width(), h = source.height();
    const int ow = (w + factor - 1) / factor, oh = (h + factor - 1) / factor;
    QImage out(ow, oh, source.format());
    std::vector<quint32> sums(size_t(ow) * 4);
    for (int oy = 0; oy < oh; ++oy) {
        std::fill(sums.begin(), sums.end(), 0);
        const int y0 = oy * factor, y1 = std::min(h, y0 + factor);
        for (int y = y0; y < y1; ++y) {
            const auto* row = reinterpret_cast<const quint32*>(source.constScanLine(y));
            for (int x = 0; x < w; ++x) {
                quint32* s = &sums[size_t(x / factor) * 4];
                const quint32 p = row[x];
                s[0] += p & 0xFF;
                s[1] += (p >> 8) & 0xFF;
                s[2] += (p >> 16) & 0xFF;
                s[3] += p >> 24;
            }
        }
        auto* o = reinterpret_cast<quint32*>(out.scanLine(oy));
        for (int ox = 0; ox < ow; ++ox) {
            const quint32 n = quint32((y1 - y0) * (std::min(w, (ox + 1) * factor) - ox * factor));
            const quint32* s = &sums[size_t(ox) * 4];
            o[ox] = ((s[0] + n / 2) / n) | (((s[1] + n / 2) / n) << 8) | (((s[2] + n / 2) / n) << 16) |
                    (((s[3] + n / 2) / n) << 24);
        }
    }
    return out;
}

} // namespace loupe::views
