// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/commands/commandids.h"
#include "annotation/commands/replaceshapes.h"

namespace loupe::annotation {

// One brush (set) or eraser (clear) segment on a mask shape; the segments of one stroke merge.
class PaintMask : public ReplaceShapes
{
public:
    PaintMask(AnnotationDocument& doc, qint64 shapeId, QPointF from, QPointF to, double radius, bool erase,
              int stroke);
    int id() const override { return CmdPaintMask; }

protected:
    bool canMerge(const ReplaceShapes& later) const override;

private:
    int m_stroke;
};

} // namespace loupe::annotation
