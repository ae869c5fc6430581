// SPDX-License-Identifier: MIT
#pragma once

#include "views/annotate/annotatetool.h"

namespace loupe::views {

// Places a point shape per click (snapping to nearby vertices).
class PointTool : public AnnotateTool
{
    Q_OBJECT
public:
    explicit PointTool(ShapeScene* scene, QObject* parent = nullptr);
    QCursor cursor() const override { return Qt::CrossCursor; }
    QString hint() const override { return tr("Point: click to place"); }
    bool mousePressed(const CanvasMouseEvent& e) override;
};

} // namespace loupe::views
