// SPDX-License-Identifier: MIT
#include "views/annotate/selecttool.h"

#include "annotation/commands/changegeometry.h"
#include "annotation/commands/moveshapes.h"
#include "annotation/commands/movevertices.h"
#include "annotation/geometry/measure.h"
#include "views/annotate/shapescene.h"
#include "views/canvas/imagecanvas.h"

#include <QLineF>
#include <QPainter>
#include <algorithm>
#include <cmath>
#include <functional>

namespace loupe::views {

using namespace loupe::annotation;

namespace {

constexpr double kDragStartPixels = 3;

bool hasVertexList(const Geometry& g)
{
    return std::holds_alternative<PolygonGeom>(g) || std::holds_alternative<PolylineGeom>(g);
}

// The positions a vertex drag moves: polygon / polyline vertices, or keypoint positions.
QList<QPointF> vertexList(const Geometry& g)
{
    QList<QPointF> out;
    if (const auto* p = std::get_if<PolygonGeom>(&g))
        out = QList<QPointF>(p->points.begin(), p->points.end());
    if (const auto* p = std::get_if<PolylineGeom>(&g))
        out = QList<QPointF>(p->points.begin(), p->points.end());
    if (const auto* k = std::get_if<KeypointsGeom>(&g))
        for (const auto& kp : k->points)
            out << kp.pos;
    return out;
}

// QRectF::contains() is false for zero-size boxes (points), so compare edges.
bool encloses(const QRectF& band, const QRectF& box)
{
    return band.left() <= box.left() && band.right() >= box.right() && band.top() <= box.top() &&
           band.bottom() >= box.bottom();
}

} // namespace

SelectTool::SelectTool(ShapeScene* scene, QObject* parent)
    : AnnotateTool(QStringLiteral("Select"), scene, parent)
{
}

QString SelectTool::hint() const
{
    return tr("Select: click or drag a box to select, drag to move, drag handles to edit, arrows nudge; "
              "click a side to add a vertex, Shift+click or Shift+drag to pick vertices, Alt+click a vertex "
              "to remove it");
}

void SelectTool::cancel()
{
    m_mode = Mode::None;
    m_band = QRectF();
    m_target = 0;
    setActiveVertex(0, -1);
    updateOverlay();
}

void SelectTool::setCursorShape(Qt::CursorShape shape)
{
    if (m_cursor.shape() == shape) return;
    m_cursor = QCursor(shape);
    if (canvas()) canvas()->updateCursor();
}

void SelectTool::setActiveVertex(qint64 shapeId, int index)
{
    const QList<int> picked = shapeId && index >= 0 ? QList<int>{index} : QList<int>();
    if (shapeId == m_vertexShape && index == m_vertex && picked == m_picked) return;
    m_vertexShape = shapeId;
    m_vertex = index;
    m_picked = picked;
    updateOverlay();
}

void SelectTool::togglePicked(qint64 shapeId, int index)
{
    if (shapeId != m_vertexShape) {
        setActiveVertex(shapeId, index);
        return;
    }
    if (!m_picked.removeOne(index)) m_picked << index;
    m_vertex = m_picked.isEmpty() ? -1 : m_picked.last();
    if (m_picked.isEmpty()) m_vertexShape = 0;
    updateOverlay();
}

bool SelectTool::pressHandle(const CanvasMouseEvent& e)
{
    const double tol = e.view.widgetToImageLength(kHandlePixels);
    const double rot = e.view.widgetToImageLength(kRotatePixels);
    // Topmost selected shape first, so overlapping selections behave like what is drawn.
    const QList<qint64> ids = scene()->editableSelection();
    for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
        const Shape* s = scene()->shape(*it);
        if (!s) continue;
        const std::optional<Handle> h = handleAt(s->geometry, e.imagePos, tol, rot);
        if (!h) continue;
        if (h->kind == HandleKind::Vertex && hasVertexList(s->geometry) && (e.modifiers & Qt::AltModifier)) {
            setActiveVertex(s->id, h->index);
            deletePressed();
            m_mode = Mode::None;
            return true;
        }
        const bool pickable = hasVertexList(s->geometry) || s->kind() == ShapeKind::Keypoints;
        if (h->kind == HandleKind::Vertex && pickable && (e.modifiers & Qt::ShiftModifier)) {
            togglePicked(s->id, h->index);
            m_mode = Mode::None;
            return true;
        }
        m_mode = Mode::Handle;
        m_target = s->id;
        m_handle = *h;
        m_startGeometry = s->geometry;
        m_wholeGeometry = h->kind != HandleKind::Vertex;
        m_gesture = scene()->nextGesture();
        // Dragging one of several picked vertices drags them all; any other handle starts afresh.
        const bool inGroup =
            h->kind == HandleKind::Vertex && m_vertexShape == s->id && m_picked.contains(h->index);
        if (inGroup)
            m_vertex = h->index;
        else
            setActiveVertex(pickable && h->kind == HandleKind::Vertex ? s->id : 0, h->index);
        return true;
    }
    return false;
}

bool SelectTool::pressEdge(const CanvasMouseEvent& e)
{
    if (scene()->selection().size() != 1) return false;
    const Shape* s = scene()->shape(scene()->selection().first());
    if (!s || !scene()->isShapeEditable(*s) || !hasVertexList(s->geometry)) return false;
    const std::optional<EdgeHit> hit =
        edgeAt(s->geometry, e.imagePos, e.view.widgetToImageLength(kHitPixels));
    if (!hit) return false;
    // Inserting and dragging the new vertex are one gesture: one ChangeGeometry, one undo step.
    m_gesture = scene()->nextGesture();
    m_startGeometry = insertVertex(s->geometry, hit->edge, hit->point);
    m_target = s->id;
    m_handle = Handle{HandleKind::Vertex, hit->edge + 1, hit->point};
    m_wholeGeometry = true;
    m_mode = Mode::Handle;
    scene()->push(new ChangeGeometry(*scene()->document(), s->id, m_startGeometry, m_gesture));
    setActiveVertex(s->id, hit->edge + 1);
    return true;
}

bool SelectTool::mousePressed(const CanvasMouseEvent& e)
{
    if (e.button != Qt::LeftButton || !scene() || !scene()->isEditable()) return false;
    m_pressImage = e.imagePos;
    m_pressWidget = e.widgetPos;
    m_applied = QPointF();
    m_dragged = false;
    if (pressHandle(e) || pressEdge(e)) return true;
    setActiveVertex(0, -1);
    const qint64 hit = scene()->hitTest(e.imagePos, e.view.widgetToImageLength(kHitPixels));
    const bool adding = e.modifiers & (Qt::ControlModifier | Qt::ShiftModifier);
    if (hit) {
        QList<qint64> sel = scene()->selection();
        if (e.modifiers & Qt::ControlModifier) {
            if (!sel.removeOne(hit)) sel << hit;
        } else if (!sel.contains(hit)) {
            sel = {hit};
        }
        scene()->setSelection(sel);
        m_target = hit;
        m_mode = scene()->isSelected(hit) ? Mode::Pending : Mode::None;
        return true;
    }
    // Shift+drag with one polygon, polyline or keypoint group selected picks its vertices in the band.
    const Shape* only =
        scene()->selection().size() == 1 ? scene()->shape(scene()->selection().first()) : nullptr;
    m_vertexBand = (e.modifiers & Qt::ShiftModifier) && only && scene()->isShapeEditable(*only) &&
                   (hasVertexList(only->geometry) || only->kind() == ShapeKind::Keypoints);
    m_bandBase = adding ? scene()->selection() : QList<qint64>();
    if (!adding) scene()->setSelection({});
    m_mode = Mode::RubberBand;
    m_band = QRectF(e.imagePos, QSizeF());
    return true;
}

void SelectTool::moveSelection(const CanvasMouseEvent& e)
{
    const QList<qint64> ids = scene()->editableSelection();
    if (ids.isEmpty()) return;
    QPointF total = e.imagePos - m_pressImage;
    bool hasMask = false;
    for (qint64 id : ids)
        hasMask = hasMask || (scene()->shape(id) && scene()->shape(id)->kind() == ShapeKind::Mask);
    // Masks move by whole pixels: move everything by whole pixels then, so the selection stays together.
    if (hasMask) total = QPointF(std::round(total.x()), std::round(total.y()));
    const QPointF delta = total - m_applied;
    if (delta.isNull()) return;
    scene()->push(new MoveShapes(*scene()->document(), ids, delta, m_gesture));
    m_applied = total;
}

void SelectTool::dragHandle(const CanvasMouseEvent& e)
{
    const Shape* s = scene()->shape(m_target);
    if (!s) {
        m_mode = Mode::None;
        return;
    }
    AnnotationDocument& doc = *scene()->document();
    if (m_handle.kind == HandleKind::Rotate) {
        Geometry g = annotation::dragHandle(m_startGeometry, m_handle, e.imagePos);
        if (auto* r = std::get_if<RotatedRectGeom>(&g); r && (e.modifiers & Qt::ShiftModifier))
            r->angle = std::round(r->angle / 15.0) * 15.0;
        scene()->push(new ChangeGeometry(doc, m_target, g, m_gesture));
        return;
    }
    const QPointF p = snapped(e.imagePos, e.view, e.modifiers, m_target);
    if (m_wholeGeometry) {
        scene()->push(new ChangeGeometry(doc, m_target, annotation::dragHandle(m_startGeometry, m_handle, p),
                                         m_gesture));
    } else if (const auto* pt = std::get_if<PointGeom>(&s->geometry)) {
        if (p != pt->point) scene()->push(new MoveShapes(doc, {m_target}, p - pt->point, m_gesture));
    } else if (m_vertexShape == m_target && m_picked.size() > 1) {
        const QList<QPointF> start = vertexList(m_startGeometry);
        if (m_handle.index < 0 || m_handle.index >= start.size()) return;
        QList<QPointF> to;
        for (int i : std::as_const(m_picked))
            to << start.value(i) + (p - start[m_handle.index]);
        scene()->push(new MoveVertices(doc, m_target, m_picked, to, m_gesture));
    } else {
        scene()->push(new MoveVertices(doc, m_target, {m_handle.index}, {p}, m_gesture));
    }
}

void SelectTool::moveVertexGroup(const QPointF& delta)
{
    const Shape* s = scene()->shape(m_vertexShape);
    if (!s) return;
    const QList<QPointF> now = vertexList(s->geometry);
    QList<QPointF> to;
    for (int i : std::as_const(m_picked))
        to << now.value(i) + delta;
    scene()->push(new MoveVertices(*scene()->document(), m_vertexShape, m_picked, to, m_nudgeGesture));
}

bool SelectTool::nudge(const CanvasKeyEvent& e)
{
    const double step = (e.modifiers & Qt::ShiftModifier) ? 10 : 1;
    QPointF delta;
    switch (e.key) {
    case Qt::Key_Left:
        delta = {-step, 0};
        break;
    case Qt::Key_Right:
        delta = {step, 0};
        break;
    case Qt::Key_Up:
        delta = {0, -step};
        break;
    case Qt::Key_Down:
        delta = {0, step};
        break;
    default:
        return false;
    }
    const QList<qint64> ids = scene()->editableSelection();
    if (ids.isEmpty()) return false; // the canvas may use the arrows
    if (!e.autoRepeat || !m_nudgeGesture) m_nudgeGesture = scene()->nextGesture();
    if (m_vertexShape && ids.contains(m_vertexShape) && !m_picked.isEmpty())
        moveVertexGroup(delta);
    else
        scene()->push(new MoveShapes(*scene()->document(), ids, delta, m_nudgeGesture));
    return true;
}

void SelectTool::hover(const CanvasMouseEvent& e)
{
    const double tol = e.view.widgetToImageLength(kHandlePixels);
    const double rot = e.view.widgetToImageLength(kRotatePixels);
    for (qint64 id : scene()->editableSelection()) {
        const Shape* s = scene()->shape(id);
        if (std::optional<Handle> h = s ? handleAt(s->geometry, e.imagePos, tol, rot) : std::nullopt) {
            setCursorShape(h->kind == HandleKind::Rotate ? Qt::PointingHandCursor : Qt::CrossCursor);
            scene()->setHovered(id);
            return;
        }
    }
    const qint64 hit = scene()->hitTest(e.imagePos, e.view.widgetToImageLength(kHitPixels));
    scene()->setHovered(hit);
    setCursorShape(hit && scene()->isSelected(hit) ? Qt::SizeAllCursor : Qt::ArrowCursor);
}

bool SelectTool::mouseMoved(const CanvasMouseEvent& e)
{
    if (!scene() || !scene()->isEditable()) return false;
    if (!(e.buttons & Qt::LeftButton)) {
        if (m_mode != Mode::None) cancel();
        hover(e);
        return false; // layers below may also want to know where the cursor is
    }
    if (!m_dragged && QLineF(e.widgetPos, m_pressWidget).length() >= kDragStartPixels) {
        m_dragged = true;
        if (m_mode == Mode::Pending) {
            m_mode = Mode::Moving;
            m_gesture = scene()->nextGesture();
        }
    }
    switch (m_mode) {
    case Mode::Moving:
        moveSelection(e);
        break;
    case Mode::Handle:
        if (m_dragged) dragHandle(e);
        break;
    case Mode::RubberBand: {
        const QRectF old = m_band;
        m_band = spannedRect(m_pressImage, e.imagePos);
        updateOverlay(old.united(m_band));
        break;
    }
    default:
        break;
    }
    return true;
}

bool SelectTool::mouseReleased(const CanvasMouseEvent& e)
{
    if (e.button != Qt::LeftButton || !scene()) return false;
    const Mode mode = std::exchange(m_mode, Mode::None);
    if (mode == Mode::Pending && !(e.modifiers & Qt::ControlModifier)) {
        scene()->setSelection({m_target}); // a plain click in a multi-selection picks that one shape
    } else if (mode == Mode::RubberBand && m_vertexBand && m_dragged) {
        const qint64 id = m_bandBase.value(0);
        scene()->setSelection(m_bandBase);
        const Shape* s = scene()->shape(id);
        const QList<QPointF> vs = s ? vertexList(s->geometry) : QList<QPointF>();
        setActiveVertex(0, -1);
        for (int i = 0; i < vs.size(); ++i)
            if (m_band.contains(vs[i])) togglePicked(id, i);
        const QRectF old = m_band;
        m_band = QRectF();
        updateOverlay(old);
    } else if (mode == Mode::RubberBand) {
        QList<qint64> sel = m_bandBase;
        if (m_dragged) {
            for (qint64 id : scene()->visibleIn(m_band)) {
                const Shape* s = scene()->shape(id);
                if (s && scene()->isShapeEditable(*s) && encloses(m_band, boundingBox(s->geometry)) &&
                    !sel.contains(id))
                    sel << id;
            }
        }
        scene()->setSelection(sel);
        const QRectF old = m_band;
        m_band = QRectF();
        updateOverlay(old);
    } else if (mode == Mode::Handle && m_dragged && m_picked.size() <= 1) {
        setActiveVertex(0, -1); // a vertex that was dragged is not also picked for deletion; a group stays
    }
    return mode != Mode::None;
}

void SelectTool::deletePressed()
{
    if (!scene() || !scene()->document()) return;
    if (m_vertexShape && scene()->isSelected(m_vertexShape)) {
        const Shape* s = scene()->shape(m_vertexShape);
        if (const auto* k = s ? std::get_if<KeypointsGeom>(&s->geometry) : nullptr) {
            // A keypoint keeps its place in the group: deleting it marks it "not labelled".
            setKeypointVisibility(0);
        } else if (s) {
            // Every picked vertex goes, highest index first so the others keep their places; one step.
            QList<int> picked = m_picked.isEmpty() ? QList<int>{m_vertex} : m_picked;
            std::sort(picked.begin(), picked.end(), std::greater<int>());
            std::optional<Geometry> g = s->geometry;
            for (int i : std::as_const(picked))
                if (g) g = removeVertex(*g, i);
            if (g) {
                scene()->push(new ChangeGeometry(*scene()->document(), s->id, *g));
            } else {
                scene()->showMessage(s->kind() == ShapeKind::Polygon
                                         ? tr("A polygon needs at least three vertices")
                                         : tr("A polyline needs at least two vertices"));
            }
        }
        setActiveVertex(0, -1);
        return;
    }
    scene()->deleteSelection();
}

void SelectTool::setKeypointVisibility(int visibility)
{
    const Shape* s = scene() ? scene()->shape(m_vertexShape) : nullptr;
    const auto* k = s ? std::get_if<KeypointsGeom>(&s->geometry) : nullptr;
    if (!k || m_vertex < 0 || m_vertex >= int(k->points.size())) return;
    KeypointsGeom g = *k;
    g.points[size_t(m_vertex)].visibility = visibility;
    if (visibility == 0) g.points[size_t(m_vertex)].pos = QPointF();
    scene()->push(new ChangeGeometry(*scene()->document(), s->id, g));
    if (visibility == 0) setActiveVertex(0, -1);
}

bool SelectTool::keyPressed(const CanvasKeyEvent& e)
{
    if (!scene()) return false;
    switch (e.key) {
    case Qt::Key_H: {
        // H on a picked keypoint: visible <-> labelled but hidden.
        const Shape* s = scene()->shape(m_vertexShape);
        const auto* k = s ? std::get_if<KeypointsGeom>(&s->geometry) : nullptr;
        if (!k || m_vertex < 0 || m_vertex >= int(k->points.size())) return false;
        setKeypointVisibility(k->points[size_t(m_vertex)].visibility == 2 ? 1 : 2);
        return true;
    }
    case Qt::Key_Delete:
    case Qt::Key_Backspace:
        deletePressed();
        return true;
    case Qt::Key_Left:
    case Qt::Key_Right:
    case Qt::Key_Up:
    case Qt::Key_Down:
        return nudge(e);
    case Qt::Key_Escape:
        if (m_mode == Mode::None && !m_vertexShape) scene()->setSelection({});
        cancel();
        return true;
    default:
        return false;
    }
}

void SelectTool::paintOverlay(QPainter& painter, const ViewTransform& view)
{
    painter.setRenderHint(QPainter::Antialiasing, false);
    if (m_mode == Mode::RubberBand && !m_band.isNull()) {
        QPen pen(QColor(80, 160, 255), 1, Qt::DashLine);
        pen.setCosmetic(true);
        painter.setPen(pen);
        painter.setBrush(QColor(80, 160, 255, 40));
        painter.drawRect(view.imageToWidget(m_band));
    }
    if (const Shape* s = scene() ? scene()->shape(m_vertexShape) : nullptr) {
        for (const Handle& h : handlesOf(s->geometry, 0)) {
            if (h.kind != HandleKind::Vertex || !m_picked.contains(h.index)) continue;
            const QPointF c = view.imageToWidget(h.pos);
            painter.setPen(QPen(Qt::black, 1));
            painter.setBrush(QColor(255, 60, 60));
            painter.drawRect(QRectF(c.x() - 4.5, c.y() - 4.5, 9, 9));
        }
    }
}

} // namespace loupe::views
