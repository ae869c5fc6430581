// SPDX-License-Identifier: MIT
#include "annotation/geometry/shapeindex.h"

#include "annotation/geometry/measure.h"

#include <algorithm>
#include <cmath>

namespace loupe::annotation {

namespace {

qint64 cellKey(qint64 cx, qint64 cy)
{
    return (cx << 32) ^ (cy & 0xffffffff);
}

} // namespace

void ShapeIndex::clear()
{
    m_shapes.clear();
    m_grid.clear();
}

void ShapeIndex::cellsOf(const QRectF& r, std::vector<qint64>& keys) const
{
    keys.clear();
    const qint64 x0 = qint64(std::floor(r.left() / m_cell)), x1 = qint64(std::floor(r.right() / m_cell));
    const qint64 y0 = qint64(std::floor(r.top() / m_cell)), y1 = qint64(std::floor(r.bottom() / m_cell));
    for (qint64 y = y0; y <= y1; ++y)
        for (qint64 x = x0; x <= x1; ++x)
            keys.push_back(cellKey(x, y));
}

void ShapeIndex::insert(const Shape& s)
{
    remove(s.id);
    const QRectF box = boundingBox(s.geometry);
    if (box.isNull() && s.kind() != ShapeKind::Point) return; // tags and captions have no place on the image
    m_shapes[s.id] = Entry{s, box, m_nextOrder++};
    std::vector<qint64> keys;
    cellsOf(box, keys);
    for (qint64 k : keys)
        m_grid[k].push_back(s.id);
}

void ShapeIndex::remove(qint64 id)
{
    const auto it = m_shapes.find(id);
    if (it == m_shapes.end()) return;
    std::vector<qint64> keys;
    cellsOf(it->second.box, keys);
    for (qint64 k : keys) {
        auto& ids = m_grid[k];
        ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
        if (ids.empty()) m_grid.erase(k);
    }
    m_shapes.erase(it);
}

std::vector<qint64> ShapeIndex::query(const QRectF& rect) const
{
    std::vector<qint64> keys;
    cellsOf(rect, keys);
    std::vector<const Entry*> hits;
    for (qint64 k : keys) {
        const auto cell = m_grid.find(k);
        if (cell == m_grid.end()) continue;
        for (qint64 id : cell->second) {
            const Entry& e = m_shapes.at(id);
            // intersects() is false for zero-size boxes (points), so compare edges.
            if (e.box.left() <= rect.right() && e.box.right() >= rect.left() &&
                e.box.top() <= rect.bottom() && e.box.bottom() >= rect.top())
                hits.push_back(&e);
        }
    }
    std::sort(hits.begin(), hits.end(), [](const Entry* a, const Entry* b) { return a->order < b->order; });
    hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
    std::vector<qint64> ids;
    ids.reserve(hits.size());
    for (const Entry* e : hits)
        ids.push_back(e->shape.id);
    return ids;
}

qint64 ShapeIndex::hitTest(QPointF p, double tolerance) const
{
    const std::vector<qint64> near =
        query(QRectF(p.x() - tolerance, p.y() - tolerance, 2 * tolerance, 2 * tolerance));
    for (auto it = near.rbegin(); it != near.rend(); ++it)
        if (annotation::hitTest(m_shapes.at(*it).shape.geometry, p, tolerance)) return *it;
    return 0;
}

} // namespace loupe::annotation
