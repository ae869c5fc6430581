// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/shapes/geometry.h"
#include "views/annotate/annotatetool.h"

namespace loupe::views {

// Places the current label's named keypoints in order, one click each; the group is added when the
// last one is placed or on Enter (the rest count as not labelled). H toggles whether the next clicks
// place keypoints as visible or as labelled-but-hidden (COCO visibility 2 / 1); X skips a keypoint
// (not labelled); Backspace takes back the last; Esc drops the group.
class KeypointTool : public AnnotateTool
{
    Q_OBJECT
public:
    explicit KeypointTool(ShapeScene* scene, QObject* parent = nullptr);

    QCursor cursor() const override { return Qt::CrossCursor; }
    QString hint() const override;
    void activate(ImageCanvas* canvas) override;
    void cancel() override;
    bool mousePressed(const CanvasMouseEvent& e) override;
    bool mouseMoved(const CanvasMouseEvent& e) override;
    bool keyPressed(const CanvasKeyEvent& e) override;
    void paintOverlay(QPainter& painter, const ViewTransform& view) override;

    bool placesHidden() const { return m_hidden; }
    const std::vector<annotation::Keypoint>& placed() const { return m_placed; }

private:
    QStringList names() const;
    void place(QPointF p, int visibility);
    bool finish();

    std::vector<annotation::Keypoint> m_placed;
    bool m_hidden = false;
    QPointF m_cursor;
};

} // namespace loupe::views
