// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QRect>
#include <QString>
#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

namespace loupe::annotation {

// A binary mask of width x height pixels as run lengths. Internally the runs go row-major (the order
// images are stored and brushes paint in) and alternate background/foreground, starting with a
// background run that may be 0. COCO RLE runs go column-major; toCoco*/fromCoco* convert.
// Set pixels [x0, x1) on row y.
struct RowSpan
{
    int y = 0;
    int x0 = 0;
    int x1 = 0;
};

class RleMask
{
public:
    RleMask() = default;
    RleMask(int width, int height); // all background

    static RleMask fromBitmap(const uint8_t* pixels, int width, int height); // row-major, nonzero = set
    // From row spans in row-major order, not overlapping (touching spans merge). O(spans).
    static RleMask fromRowSpans(int width, int height, const std::vector<RowSpan>& spans);
    static std::optional<RleMask> fromRuns(int width, int height, std::vector<uint32_t> rowMajorRuns,
                                           QString* error);

    int width() const { return m_width; }
    int height() const { return m_height; }
    const std::vector<uint32_t>& runs() const { return m_runs; }
    bool isEmpty() const { return area() == 0; }

    std::vector<uint8_t> toBitmap() const; // row-major, 0 or 1
    // The pixels of region only (region.width() x region.height(), row-major), without touching the rest.
    std::vector<uint8_t> toBitmap(const QRect& region) const;
    // Calls f(y, x0, x1) for every run of set pixels [x0, x1) on row y, in row-major order.
    template <typename F> void forEachRowSpan(F&& f) const;
    qint64 area() const;
    QRect boundingBox() const; // pixel rectangle, empty when the mask is empty
    bool contains(int x, int y) const;

    // COCO: column-major runs, as in {"size": [h, w], "counts": [...]}.
    std::vector<uint32_t> toCocoCounts() const;
    static std::optional<RleMask> fromCocoCounts(int width, int height, const std::vector<uint32_t>& counts,
                                                 QString* error);
    // pycocotools' compressed string form of the column-major runs.
    QByteArray toCocoString() const;
    static std::optional<RleMask> fromCocoString(int width, int height, const QByteArray& s, QString* error);

    bool operator==(const RleMask& o) const = default;

private:
    int m_width = 0;
    int m_height = 0;
    std::vector<uint32_t> m_runs;
};

template <typename F> void RleMask::forEachRowSpan(F&& f) const
{
    qint64 pos = 0;
    for (size_t i = 0; i < m_runs.size(); ++i) {
        const qint64 end = pos + m_runs[i];
        if (i % 2 == 1) {
            for (qint64 p = pos; p < end;) {
                const int y = int(p / m_width);
                const qint64 rowStart = qint64(y) * m_width;
                const qint64 e = std::min(end, rowStart + m_width);
                f(y, int(p - rowStart), int(e - rowStart));
                p = e;
            }
        }
        pos = end;
    }
}

// The run-length string codec pycocotools uses (6 bits per character, delta against the run two back
// from the fourth run on). Exposed for the row-major geometry JSON, which stores runs the same way.
QByteArray encodeRunString(const std::vector<uint32_t>& runs);
std::optional<std::vector<uint32_t>> decodeRunString(const QByteArray& s, QString* error);

} // namespace loupe::annotation
