// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/commands/commandids.h"
#include "annotation/commands/replaceshapes.h"

namespace loupe::annotation {

// Moves vertices of one polygon or polyline, or keypoints of a keypoint group, to new positions.
// Merges within one drag (same gesture, shape and vertex indices).
class MoveVertices : public ReplaceShapes
{
public:
    MoveVertices(AnnotationDocument& doc, qint64 shapeId, const QList<int>& indices,
                 const QList<QPointF>& positions, int gesture);
    int id() const override { return CmdMoveVertices; }

protected:
    bool canMerge(const ReplaceShapes& later) const override;

private:
    QList<int> m_indices;
    int m_gesture;
};

} // namespace loupe::annotation
