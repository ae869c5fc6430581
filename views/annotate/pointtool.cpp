// SPDX-License-Identifier: MIT
#include "views/annotate/pointtool.h"

#include "views/annotate/shapescene.h"

namespace loupe::views {

PointTool::PointTool(ShapeScene* scene, QObject* parent)
    : AnnotateTool(QStringLiteral("Point"), scene, parent)
{
}

bool PointTool::mousePressed(const CanvasMouseEvent& e)
{
    if (e.button != Qt::LeftButton || !scene() || !scene()->isEditable()) return false;
    const QPointF p = clampedToImage(snapped(e.imagePos, e.view, e.modifiers));
    if (std::optional<annotation::Shape> s = newShape(annotation::PointGeom{p})) scene()->addShapes({*s});
    return true;
}

} // namespace loupe::views
