// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/commands/commandids.h"
#include "annotation/commands/replaceshapes.h"

namespace loupe::annotation {

// Replaces one shape's geometry (resize, rotate, insert or delete a vertex). Merges within one gesture;
// gesture 0 never merges (a one-off edit such as deleting a vertex).
class ChangeGeometry : public ReplaceShapes
{
public:
    ChangeGeometry(AnnotationDocument& doc, qint64 shapeId, Geometry geometry, int gesture = 0);
    int id() const override { return CmdChangeGeometry; }

protected:
    bool canMerge(const ReplaceShapes& later) const override;

private:
    int m_gesture;
};

} // namespace loupe::annotation
