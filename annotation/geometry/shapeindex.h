// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/shapes/shape.h"

#include <QRectF>
#include <unordered_map>
#include <vector>

namespace loupe::annotation {

// A uniform grid over one image's shapes, so hit tests and "what is visible" stay cheap with thousands
// of shapes (CVAT slows to seconds per action near 1,000 objects). Shapes later in the list are on top.
// Rebuilding is linear; callers keep one per image and update it from the document's change events.
class ShapeIndex
{
public:
    explicit ShapeIndex(double cellSize = 64.0) : m_cell(cellSize) {}

    void clear();
    void insert(const Shape& s); // appended on top
    void remove(qint64 id);
    void update(const Shape& s) { remove(s.id), insert(s); }
    qsizetype size() const { return qsizetype(m_shapes.size()); }

    // Ids of shapes whose bounding boxes meet rect, bottom to top.
    std::vector<qint64> query(const QRectF& rect) const;
    // The topmost shape hit at p within tolerance (image pixels), or 0.
    qint64 hitTest(QPointF p, double tolerance) const;

private:
    struct Entry
    {
        Shape shape;
        QRectF box;
        quint64 order;
    };
    void cellsOf(const QRectF& r, std::vector<qint64>& keys) const;

    double m_cell;
    quint64 m_nextOrder = 0;
    std::unordered_map<qint64, Entry> m_shapes;
    std::unordered_map<qint64, std::vector<qint64>> m_grid; // cell key -> shape ids
};

} // namespace loupe::annotation
