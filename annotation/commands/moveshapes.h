// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/commands/commandids.h"
#include "annotation/commands/replaceshapes.h"

namespace loupe::annotation {

// Moves whole shapes by an offset. Every mouse-move of one drag (same gesture id, same shapes) merges
// into one undo step.
class MoveShapes : public ReplaceShapes
{
public:
    MoveShapes(AnnotationDocument& doc, const QList<qint64>& ids, QPointF delta, int gesture);
    int id() const override { return CmdMoveShapes; }

protected:
    bool canMerge(const ReplaceShapes& later) const override;

private:
    int m_gesture;
};

} // namespace loupe::annotation
