// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/geometry/rle.h"
#include "views/annotate/annotatetool.h"

namespace loupe::views {

// Paints (or erases) a mask with a round brush; [ and ] shrink and grow it. The brush paints into the
// selected mask shape; with none selected, a stroke makes a new mask of the current label (added as one
// step when the button is released) and selects it, so the next strokes extend it. The eraser works on
// the selected mask, or the topmost one under the cursor. Each stroke is one undo step (PaintMask
// segments merge).
class BrushTool : public AnnotateTool
{
    Q_OBJECT
public:
    BrushTool(bool erase, ShapeScene* scene, QObject* parent = nullptr);

    QCursor cursor() const override { return Qt::BlankCursor; }
    QString hint() const override;
    void cancel() override;
    bool mousePressed(const CanvasMouseEvent& e) override;
    bool mouseMoved(const CanvasMouseEvent& e) override;
    bool mouseReleased(const CanvasMouseEvent& e) override;
    bool keyPressed(const CanvasKeyEvent& e) override;
    void paintOverlay(QPainter& painter, const ViewTransform& view) override;

    double radius() const { return m_radius; }
    void setRadius(double imagePixels);

private:
    qint64 targetAt(QPointF p, const ViewTransform& view) const;
    void stroke(QPointF to);
    QRectF dab(QPointF p) const;

    bool m_erase;
    double m_radius = 8;
    bool m_down = false;
    qint64 m_target = 0;       // mask shape being painted; 0 while a new one is drawn locally
    annotation::RleMask m_new; // the new mask of this stroke (when m_target is 0)
    int m_stroke = 0;
    QPointF m_last;
    QPointF m_cursor;
    bool m_cursorKnown = false;
};

} // namespace loupe::views
