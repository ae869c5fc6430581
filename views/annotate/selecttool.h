// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/editing/handles.h"
#include "views/annotate/annotatetool.h"

namespace loupe::views {

// Select and edit: click selects (Ctrl toggles), drag on empty space selects with a rubber band (Ctrl
// or Shift adds), drag a selected shape to move the selection, drag a handle to resize a box, turn a
// rotated box, or move a vertex or keypoint (snapping to other shapes' vertices; Shift: no snap, and
// 15° steps when rotating). Click on a polygon's side inserts a vertex there and drags it. Several
// vertices of the selected shape are picked with Shift+click or a Shift+drag band, and then drag and
// nudge together; Alt+click on a vertex, or Delete after picking, removes it; on a keypoint, H toggles
// visible / hidden and Delete marks it not labelled. Arrow keys nudge the selection (or the picked
// vertices) by one image pixel, Shift+arrow by ten. Delete removes the selection. One drag, or one
// held arrow key, is one undo step.
class SelectTool : public AnnotateTool
{
    Q_OBJECT
public:
    explicit SelectTool(ShapeScene* scene, QObject* parent = nullptr);

    QCursor cursor() const override { return m_cursor; }
    void cancel() override;
    QString hint() const override;
    bool mousePressed(const CanvasMouseEvent& e) override;
    bool mouseMoved(const CanvasMouseEvent& e) override;
    bool mouseReleased(const CanvasMouseEvent& e) override;
    bool keyPressed(const CanvasKeyEvent& e) override;
    void paintOverlay(QPainter& painter, const ViewTransform& view) override;

    // The Delete key: the clicked vertex if there is one, else the selected shapes.
    void deletePressed();
    // The vertex last clicked (shape id 0 when none).
    qint64 activeVertexShape() const { return m_vertexShape; }
    int activeVertex() const { return m_vertex; }
    // Every picked vertex of activeVertexShape(), in the order picked.
    QList<int> pickedVertices() const { return m_picked; }

private:
    enum class Mode { None, Pending, Moving, Handle, RubberBand };
    bool pressHandle(const CanvasMouseEvent& e);
    bool pressEdge(const CanvasMouseEvent& e);
    void dragHandle(const CanvasMouseEvent& e);
    void moveSelection(const CanvasMouseEvent& e);
    void hover(const CanvasMouseEvent& e);
    void setCursorShape(Qt::CursorShape shape);
    void setActiveVertex(qint64 shapeId, int index);
    void setKeypointVisibility(int visibility);
    void togglePicked(qint64 shapeId, int index);
    bool nudge(const CanvasKeyEvent& e);
    void moveVertexGroup(const QPointF& delta);

    Mode m_mode = Mode::None;
    QPointF m_pressImage;
    QPointF m_pressWidget;
    QPointF m_applied; // move offset already pushed in this drag
    int m_gesture = 0;
    qint64 m_target = 0;
    annotation::Handle m_handle;
    annotation::Geometry m_startGeometry;
    bool m_wholeGeometry = false; // the drag replaces the geometry (boxes, inserted vertices)
    bool m_dragged = false;
    QRectF m_band;
    QList<qint64> m_bandBase; // selection the band adds to
    qint64 m_vertexShape = 0;
    int m_vertex = -1;
    QList<int> m_picked;       // vertices of m_vertexShape picked together (m_vertex among them)
    bool m_vertexBand = false; // the band picks vertices of the one selected shape
    int m_nudgeGesture = 0;    // a held arrow key merges into one step
    QCursor m_cursor = Qt::ArrowCursor;
};

} // namespace loupe::views
