// SPDX-License-Identifier: MIT
#include "annotation/geometry/rle.h"

#include <algorithm>

namespace loupe::annotation {

namespace {

// Runs of a linear sequence of pixels, starting with a (possibly empty) background run.
std::vector<uint32_t> runsOf(const uint8_t* px, size_t stride, size_t rows, size_t cols)
{
    // Walks px row by row (rows of cols pixels, stride apart); the caller picks what a row is.
    std::vector<uint32_t> runs;
    uint8_t cur = 0;
    uint32_t len = 0;
    for (size_t o = 0; o < rows; ++o) {
        for (size_t i = 0; i < cols; ++i) {
            const uint8_t v = px[o * stride + i] ? 1 : 0;
            if (v != cur) {
                runs.push_back(len);
                len = 0;
                cur = v;
            }
            ++len;
        }
    }
    runs.push_back(len);
    return runs;
}

bool checkRuns(const std::vector<uint32_t>& runs, qint64 total, QString* error)
{
    qint64 sum = 0;
    for (uint32_t r : runs)
        sum += r;
    if (sum != total) {
        if (error)
            *error = QStringLiteral("run lengths add up to %1, expected %2 pixels").arg(sum).arg(total);
        return false;
    }
    return true;
}

// Drops zero-length runs in the middle (merging neighbours) so equal masks compare equal.
std::vector<uint32_t> normalised(const std::vector<uint32_t>& in)
{
    std::vector<uint32_t> out;
    out.reserve(in.size());
    for (size_t i = 0; i < in.size(); ++i) {
        const bool fg = (out.size() % 2) == 1;
        const bool runFg = (i % 2) == 1;
        if (in[i] == 0 && i != 0) continue;
        if (!out.empty() && fg != runFg)
            out.back() += in[i];
        else
            out.push_back(in[i]);
    }
    if (out.empty()) out.push_back(0);
    return out;
}

} // namespace

RleMask::RleMask(int width, int height) : m_width(width), m_height(height), m_runs{uint32_t(width) * height}
{
}

RleMask RleMask::fromBitmap(const uint8_t* pixels, int width, int height)
{
    RleMask m;
    m.m_width = width;
    m.m_height = height;
    m.m_runs = runsOf(pixels, size_t(width), size_t(height), size_t(width));
    return m;
}

RleMask RleMask::fromRowSpans(int width, int height, const std::vector<RowSpan>& spans)
{
    RleMask m;
    m.m_width = width;
    m.m_height = height;
    qint64 pos = 0;
    for (const RowSpan& s : spans) {
        const qint64 a = qint64(s.y) * width + s.x0, b = qint64(s.y) * width + s.x1;
        if (b <= a) continue;
        if (a == pos && !m.m_runs.empty() && m.m_runs.size() % 2 == 0) {
            m.m_runs.back() += uint32_t(b - a); // touches the previous span
        } else {
            m.m_runs.push_back(uint32_t(a - pos));
            m.m_runs.push_back(uint32_t(b - a));
        }
        pos = b;
    }
    // Like fromBitmap, no trailing empty run, so equal masks compare equal.
    const qint64 rest = qint64(width) * height - pos;
    if (rest > 0 || m.m_runs.empty())
        m.m_runs.push_back(uint32_t(rest));
    return m;
}

std::optional<RleMask> RleMask::fromRuns(int width, int height, std::vector<uint32_t> runs, QString* error)
{
    if (width < 0 || height < 0) {
        if (error) *error = QStringLiteral("negative mask size");
        return std::nullopt;
    }
    if (!checkRuns(runs, qint64(width) * height, error)) return std::nullopt;
    RleMask m;
    m.m_width = width;
    m.m_height = height;
    m.m_runs = normalised(runs);
    return m;
}

std::vector<uint8_t> RleMask::toBitmap() const
{
    std::vector<uint8_t> px(size_t(m_width) * m_height, 0);
    size_t pos = 0;
    for (size_t i = 0; i < m_runs.size(); ++i) {
        if (i % 2 == 1) std::fill_n(px.begin() + pos, m_runs[i], uint8_t(1));
        pos += m_runs[i];
    }
    return px;
}

qint64 RleMask::area() const
{
    qint64 a = 0;
    for (size_t i = 1; i < m_runs.size(); i += 2)
        a += m_runs[i];
    return a;
}

QRect RleMask::boundingBox() const
{
    int x0 = m_width, y0 = m_height, x1 = -1, y1 = -1;
    qint64 pos = 0;
    for (size_t i = 0; i < m_runs.size(); ++i) {
        const qint64 len = m_runs[i];
        if (i % 2 == 1 && len > 0) {
            const qint64 first = pos, last = pos + len - 1;
            const int fy = int(first / m_width), ly = int(last / m_width);
            y0 = std::min(y0, fy);
            y1 = std::max(y1, ly);
            if (fy != ly) { // a run wrapping a row end covers the full width between
                x0 = 0;
                x1 = m_width - 1;
            } else {
                x0 = std::min(x0, int(first % m_width));
                x1 = std::max(x1, int(last % m_width));
            }
        }
        pos += len;
    }
    if (x1 < 0) return {};
    return QRect(QPoint(x0, y0), QPoint(x1, y1));
}

bool RleMask::contains(int x, int y) const
{
    if (x < 0 || y < 0 || x >= m_width || y >= m_height) return false;
    const qint64 target = qint64(y) * m_width + x;
    qint64 pos = 0;
    for (size_t i = 0; i < m_runs.size(); ++i) {
        pos += m_runs[i];
        if (target < pos) return i % 2 == 1;
    }
    return false;
}

std::vector<uint8_t> RleMask::toBitmap(const QRect& region) const
{
    std::vector<uint8_t> px(size_t(std::max(region.width(), 0)) * std::max(region.height(), 0), 0);
    forEachRowSpan([&](int y, int x0, int x1) {
        if (y < region.top() || y > region.bottom()) return;
        const int a = std::max(x0, region.left()), b = std::min(x1, region.right() + 1);
        if (a < b)
            std::fill_n(px.begin() + qsizetype(y - region.top()) * region.width() + (a - region.left()),
                        b - a, uint8_t(1));
    });
    return px;
}

namespace {

// The x where exactly one of two sorted, disjoint interval lists is set, as intervals: every interval
// boundary toggles membership, so sorted boundaries pair up into the symmetric difference.
void symmetricDifference(const std::vector<std::pair<int, int>>& a, const std::vector<std::pair<int, int>>& b,
                         std::vector<int>& scratch, std::vector<std::pair<int, int>>& out)
{
    scratch.clear();
    for (auto [x0, x1] : a) {
        scratch.push_back(x0);
        scratch.push_back(x1);
    }
    for (auto [x0, x1] : b) {
        scratch.push_back(x0);
        scratch.push_back(x1);
    }
    std::sort(scratch.begin(), scratch.end());
    out.clear();
    for (size_t i = 0; i + 1 < scratch.size(); i += 2)
        if (scratch[i] < scratch[i + 1]) out.emplace_back(scratch[i], scratch[i + 1]);
}

} // namespace

std::vector<uint32_t> RleMask::toCocoCounts() const
{
    // Column-major runs without visiting every pixel: a run boundary in column order sits where a pixel
    // differs from the one above it (or, at the top of a column, from the bottom of the previous
    // column), and those places come from the row intervals. Cost: O(rows x intervals + runs log runs).
    const int w = m_width, h = m_height;
    if (w == 0 || h == 0) return {0};
    std::vector<std::vector<std::pair<int, int>>> rows(static_cast<size_t>(h));
    forEachRowSpan([&](int y, int x0, int x1) { rows[size_t(y)].emplace_back(x0, x1); });
    std::vector<qint64> transitions;
    std::vector<int> scratch;
    std::vector<std::pair<int, int>> diff;
    for (int y = 1; y < h; ++y) {
        symmetricDifference(rows[size_t(y - 1)], rows[size_t(y)], scratch, diff);
        for (auto [x0, x1] : diff)
            for (int x = x0; x < x1; ++x)
                transitions.push_back(qint64(x) * h + y);
    }
    // Top of column x against the bottom of column x - 1 (nothing before column 0).
    std::vector<std::pair<int, int>> lastShifted;
    for (auto [x0, x1] : rows[size_t(h - 1)])
        if (x0 + 1 < w) lastShifted.emplace_back(x0 + 1, std::min(x1 + 1, w));
    symmetricDifference(rows[0], lastShifted, scratch, diff);
    for (auto [x0, x1] : diff)
        for (int x = x0; x < x1; ++x)
            transitions.push_back(qint64(x) * h);
    std::sort(transitions.begin(), transitions.end());
    std::vector<uint32_t> runs;
    runs.reserve(transitions.size() + 1);
    qint64 prev = 0;
    for (qint64 p : transitions) {
        runs.push_back(uint32_t(p - prev));
        prev = p;
    }
    runs.push_back(uint32_t(qint64(w) * h - prev));
    return runs;
}

std::optional<RleMask> RleMask::fromCocoCounts(int width, int height, const std::vector<uint32_t>& counts,
                                               QString* error)
{
    if (width < 0 || height < 0) {
        if (error) *error = QStringLiteral("negative mask size");
        return std::nullopt;
    }
    if (!checkRuns(counts, qint64(width) * height, error)) return std::nullopt;
    std::vector<uint8_t> px(size_t(width) * height, 0);
    size_t pos = 0;
    for (size_t i = 0; i < counts.size(); ++i) {
        if (i % 2 == 1) {
            for (size_t k = pos; k < pos + counts[i]; ++k) {
                const size_t x = k / size_t(height), y = k % size_t(height);
                px[y * width + x] = 1;
            }
        }
        pos += counts[i];
    }
    return fromBitmap(px.data(), width, height);
}

QByteArray encodeRunString(const std::vector<uint32_t>& runs)
{
    QByteArray s;
    s.reserve(int(runs.size()) * 2);
    for (size_t i = 0; i < runs.size(); ++i) {
        qint64 x = runs[i];
        if (i > 2) x -= qint64(runs[i - 2]);
        bool more = true;
        while (more) {
            char c = char(x & 0x1f);
            x >>= 5; // arithmetic shift keeps the sign
            more = (c & 0x10) ? x != -1 : x != 0;
            if (more) c |= 0x20;
            s.append(char(c + 48));
        }
    }
    return s;
}

std::optional<std::vector<uint32_t>> decodeRunString(const QByteArray& s, QString* error)
{
    std::vector<uint32_t> runs;
    int p = 0;
    while (p < s.size()) {
        qint64 x = 0;
        int k = 0;
        bool more = true;
        while (more) {
            if (p >= s.size() || k > 12) {
                if (error) *error = QStringLiteral("truncated run string at character %1").arg(p);
                return std::nullopt;
            }
            const int c = int(uchar(s[p])) - 48;
            if (c < 0 || c > 63) {
                if (error) *error = QStringLiteral("invalid character in run string at %1").arg(p);
                return std::nullopt;
            }
            x |= qint64(c & 0x1f) << (5 * k);
            more = c & 0x20;
            ++p;
            ++k;
            if (!more && (c & 0x10)) x |= qint64(-1) * (qint64(1) << (5 * k)); // sign-extend
        }
        if (runs.size() > 2) x += qint64(runs[runs.size() - 2]);
        if (x < 0 || x > qint64(UINT32_MAX)) {
            if (error) *error = QStringLiteral("run %1 out of range").arg(runs.size());
            return std::nullopt;
        }
        runs.push_back(uint32_t(x));
    }
    return runs;
}

QByteArray RleMask::toCocoString() const
{
    return encodeRunString(toCocoCounts());
}

std::optional<RleMask> RleMask::fromCocoString(int width, int height, const QByteArray& s, QString* error)
{
    auto runs = decodeRunString(s, error);
    if (!runs) return std::nullopt;
    return fromCocoCounts(width, height, *runs, error);
}

} // namespace loupe::annotation
