// SPDX-License-Identifier: MIT
#include "views/annotate/shapescene.h"

#include "annotation/commands/addshapes.h"
#include "annotation/commands/changeattributes.h"
#include "annotation/commands/changelabel.h"
#include "annotation/commands/changereviewstate.h"
#include "annotation/commands/removeshapes.h"
#include "annotation/document/clipboard.h"
#include "annotation/editing/zorder.h"
#include "annotation/geometry/measure.h"
#include "views/annotate/annotatetool.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QMimeData>
#include <algorithm>

namespace loupe::views {

using namespace loupe::annotation;

ShapeScene::ShapeScene(QObject* parent) : QObject(parent) {}

void ShapeScene::setDocument(AnnotationDocument* doc)
{
    if (doc == m_doc) return;
    if (m_doc) disconnect(m_doc, nullptr, this, nullptr);
    m_doc = doc;
    if (m_doc) {
        connect(m_doc, &AnnotationDocument::changed, this, &ShapeScene::onDocumentChanged);
        connect(m_doc, &AnnotationDocument::shapesReloaded, this, &ShapeScene::reload);
        connect(m_doc, &AnnotationDocument::storeFailed, this,
                [this](const QString& why) { emit message(tr("The edit was not saved: %1").arg(why)); });
        connect(m_doc, &QObject::destroyed, this, [this] {
            m_shapes.clear();
            reorder();
            emit imageReset();
            emit changed({});
        });
    }
    reload();
}

void ShapeScene::setImage(qint64 imageId, QSize size)
{
    if (imageId == m_imageId && size == m_imageSize) return;
    m_imageId = imageId;
    m_imageSize = size;
    reload();
}

void ShapeScene::reload()
{
    m_shapes.clear();
    m_index.clear();
    if (m_doc && m_imageId != 0) {
        for (Shape& s : m_doc->shapes(m_imageId)) {
            m_index.insert(s);
            m_shapes.emplace(s.id, std::move(s));
        }
    }
    reorder();
    QList<qint64> kept;
    for (qint64 id : std::as_const(m_selection))
        if (m_shapes.count(id)) kept << id;
    const bool selectionLost = kept != m_selection;
    m_selection = kept;
    m_hover = 0;
    emit imageReset();
    emit changed({});
    if (selectionLost) emit selectionChanged();
}

void ShapeScene::reorder()
{
    m_order.clear();
    m_order.reserve(m_shapes.size());
    for (const auto& [id, s] : m_shapes)
        m_order.push_back(id);
    std::sort(m_order.begin(), m_order.end(),
              [this](qint64 a, qint64 b) { return drawnBelow(m_shapes.at(a), m_shapes.at(b)); });
    m_rank.clear();
    for (size_t i = 0; i < m_order.size(); ++i)
        m_rank[m_order[i]] = int(i);
}

QRectF ShapeScene::boundsOf(qint64 id) const
{
    const auto it = m_shapes.find(id);
    if (it == m_shapes.end()) return {};
    const QRectF box = boundingBox(it->second.geometry);
    // Points and other zero-size boxes still occupy their spot on screen.
    return box.isNull() && it->second.kind() == ShapeKind::Point ? QRectF(box.topLeft(), QSizeF(0.001, 0.001))
                                                                 : box;
}

void ShapeScene::onDocumentChanged(const ChangeEvent& e)
{
    if (m_imageId == 0 || !e.imageIds.contains(m_imageId)) {
        // A shape may have moved to another image (not done by any command today): drop it if we had it.
        bool had = false;
        for (qint64 id : e.shapeIds)
            had = had || m_shapes.count(id);
        if (!had) return;
    }
    QRectF dirty;
    auto unite = [&dirty](const QRectF& r) { dirty = dirty.united(r); };
    bool orderChanged =
        e.type != ChangeEvent::Type::ShapesChanged || (e.properties & ChangeEvent::Attributes);
    bool selectionLost = false;
    for (qint64 id : e.shapeIds) {
        unite(boundsOf(id));
        m_index.remove(id);
        m_shapes.erase(id);
        if (e.type == ChangeEvent::Type::ShapesRemoved) {
            selectionLost = m_selection.removeAll(id) > 0 || selectionLost;
            if (m_hover == id) m_hover = 0;
            continue;
        }
        std::optional<Shape> s = m_doc ? m_doc->shape(id) : std::nullopt;
        if (!s || s->imageId != m_imageId) {
            selectionLost = m_selection.removeAll(id) > 0 || selectionLost;
            orderChanged = true;
            continue;
        }
        m_index.insert(*s);
        m_shapes[id] = std::move(*s);
        unite(boundsOf(id));
    }
    if (orderChanged) reorder();
    emit changed(dirty);
    if (selectionLost) emit selectionChanged();
}

void ShapeScene::setLabels(std::vector<LabelDef> labels)
{
    m_labels = std::move(labels);
    if (!label(m_currentLabel)) m_currentLabel = m_labels.empty() ? 0 : m_labels.front().id;
    emit labelsChanged();
    emit currentLabelChanged(m_currentLabel);
    emit changed({});
}

const LabelDef* ShapeScene::label(qint64 id) const
{
    for (const LabelDef& l : m_labels)
        if (l.id == id) return &l;
    return nullptr;
}

QColor ShapeScene::colorOf(qint64 labelId) const
{
    if (const LabelDef* l = label(labelId); l && l->color.isValid()) return l->color;
    // A label without a colour (or unknown) still gets a stable, distinct one.
    return QColor::fromHsv(int((labelId * 137) % 360), 200, 240);
}

void ShapeScene::setLabelHidden(qint64 labelId, bool hidden)
{
    if (hidden == m_hidden.contains(labelId)) return;
    if (hidden) {
        m_hidden.insert(labelId);
        QList<qint64> kept;
        for (qint64 id : std::as_const(m_selection))
            if (m_shapes.at(id).labelId != labelId) kept << id;
        if (kept != m_selection) setSelection(kept);
    } else {
        m_hidden.remove(labelId);
    }
    emit labelsChanged();
    emit changed({});
}

void ShapeScene::setLabelLocked(qint64 labelId, bool locked)
{
    if (locked == m_locked.contains(labelId)) return;
    if (locked)
        m_locked.insert(labelId);
    else
        m_locked.remove(labelId);
    emit labelsChanged();
    emit changed({});
}

void ShapeScene::setCurrentLabel(qint64 labelId)
{
    if (labelId == m_currentLabel || !label(labelId)) return;
    m_currentLabel = labelId;
    emit currentLabelChanged(labelId);
}

const Shape* ShapeScene::shape(qint64 id) const
{
    const auto it = m_shapes.find(id);
    return it == m_shapes.end() ? nullptr : &it->second;
}

std::vector<qint64> ShapeScene::visibleIn(const QRectF& imageRect) const
{
    std::vector<qint64> ids = m_index.query(imageRect);
    ids.erase(std::remove_if(ids.begin(), ids.end(),
                             [this](qint64 id) { return !isShapeVisible(m_shapes.at(id)); }),
              ids.end());
    std::sort(ids.begin(), ids.end(), [this](qint64 a, qint64 b) { return m_rank.at(a) < m_rank.at(b); });
    return ids;
}

qint64 ShapeScene::hitTest(QPointF p, double tolerance, bool editableOnly) const
{
    const std::vector<qint64> near =
        visibleIn(QRectF(p.x() - tolerance, p.y() - tolerance, 2 * tolerance, 2 * tolerance));
    for (auto it = near.rbegin(); it != near.rend(); ++it) {
        const Shape& s = m_shapes.at(*it);
        if (editableOnly && !isShapeEditable(s)) continue;
        if (annotation::hitTest(s.geometry, p, tolerance)) return *it;
    }
    return 0;
}

std::vector<const Shape*> ShapeScene::shapesNear(QPointF p, double radius) const
{
    std::vector<const Shape*> out;
    for (qint64 id : visibleIn(QRectF(p.x() - radius, p.y() - radius, 2 * radius, 2 * radius)))
        out.push_back(&m_shapes.at(id));
    return out;
}

void ShapeScene::setSelection(const QList<qint64>& ids)
{
    QList<qint64> next;
    for (qint64 id : ids)
        if (m_shapes.count(id) && !next.contains(id)) next << id;
    if (next == m_selection) return;
    QRectF dirty;
    for (qint64 id : std::as_const(m_selection))
        dirty = dirty.united(boundsOf(id));
    for (qint64 id : std::as_const(next))
        dirty = dirty.united(boundsOf(id));
    m_selection = next;
    emit changed(dirty);
    emit selectionChanged();
}

void ShapeScene::setHovered(qint64 id)
{
    if (id == m_hover) return;
    const QRectF dirty = boundsOf(m_hover).united(boundsOf(id));
    m_hover = id;
    emit changed(dirty);
}

QList<qint64> ShapeScene::editableSelection() const
{
    QList<qint64> ids;
    for (qint64 id : m_selection)
        if (isShapeEditable(m_shapes.at(id))) ids << id;
    return ids;
}

void ShapeScene::setActiveTool(AnnotateTool* tool)
{
    m_tool = tool;
    emit overlayChanged({});
}

AnnotateTool* ShapeScene::activeTool() const
{
    return m_tool.data();
}

void ShapeScene::push(QUndoCommand* command)
{
    if (!m_doc) {
        delete command;
        return;
    }
    m_doc->undoStack()->push(command);
}

bool ShapeScene::addShapes(std::vector<Shape> shapes, bool select)
{
    if (!isEditable() || shapes.empty()) return false;
    for (Shape& s : shapes)
        s.imageId = m_imageId;
    auto* cmd = new AddShapes(*m_doc, std::move(shapes));
    const int before = m_doc->undoStack()->count();
    push(cmd);
    // QUndoStack drops a command whose first redo failed (the store refused it).
    if (m_doc->undoStack()->count() == before) return false;
    if (select) {
        QList<qint64> ids;
        for (const Shape& s : cmd->shapes())
            ids << s.id;
        setSelection(ids);
    }
    return true;
}

void ShapeScene::deleteSelection()
{
    const QList<qint64> ids = editableSelection();
    if (ids.isEmpty() || !m_doc) return;
    push(new RemoveShapes(*m_doc, ids));
}

void ShapeScene::copySelection()
{
    std::vector<Shape> shapes;
    for (qint64 id : m_order) // stacking order survives the round trip
        if (m_selection.contains(id)) shapes.push_back(m_shapes.at(id));
    if (shapes.empty()) return;
    auto* mime = new QMimeData;
    mime->setData(QString::fromLatin1(kShapesMimeType), shapesToClipboard(shapes));
    QGuiApplication::clipboard()->setMimeData(mime);
    m_copiedFromImage = m_imageId;
    m_pasteCount = 0;
    emit message(tr("Copied %n shape(s)", nullptr, int(shapes.size())));
}

void ShapeScene::paste()
{
    if (!isEditable()) return;
    const QMimeData* mime = QGuiApplication::clipboard()->mimeData();
    if (!mime || !mime->hasFormat(QString::fromLatin1(kShapesMimeType))) return;
    // On the image they came from, each paste lands a little further down-right so it is not hidden
    // under the original; on another image in the same place.
    const double step = m_copiedFromImage == m_imageId ? 10.0 * ++m_pasteCount : 0.0;
    QString error;
    auto shapes = shapesFromClipboard(mime->data(QString::fromLatin1(kShapesMimeType)), m_imageId,
                                      m_imageSize.width(), m_imageSize.height(), QPointF(step, step), &error);
    if (!shapes) {
        emit message(tr("Cannot paste: %1").arg(error));
        return;
    }
    // Shapes copied from another project may name labels this one lacks: they take the current label.
    int relabelled = 0;
    for (Shape& s : *shapes) {
        s.attributes.remove(kZOrderAttribute);
        if (!label(s.labelId) && label(m_currentLabel)) {
            s.labelId = m_currentLabel;
            ++relabelled;
        }
    }
    if (relabelled)
        emit message(tr("%n pasted shape(s) had a label this project lacks and got the current one", nullptr,
                        relabelled));
    if (!shapes->empty()) addShapes(std::move(*shapes));
}

void ShapeScene::raiseSelection()
{
    const QList<qint64> ids = editableSelection();
    if (ids.isEmpty() || !m_doc) return;
    std::vector<const Shape*> others;
    for (const auto& [id, s] : m_shapes)
        if (!ids.contains(id)) others.push_back(&s);
    push(new ChangeAttributes(*m_doc, ids, kZOrderAttribute, zAbove(others)));
}

void ShapeScene::lowerSelection()
{
    const QList<qint64> ids = editableSelection();
    if (ids.isEmpty() || !m_doc) return;
    std::vector<const Shape*> others;
    for (const auto& [id, s] : m_shapes)
        if (!ids.contains(id)) others.push_back(&s);
    push(new ChangeAttributes(*m_doc, ids, kZOrderAttribute, zBelow(others)));
}

void ShapeScene::setSelectionReview(ReviewState state)
{
    const QList<qint64> ids = editableSelection();
    if (ids.isEmpty() || !m_doc) return;
    push(new ChangeReviewState(*m_doc, ids, state));
}

void ShapeScene::relabelSelection(qint64 labelId)
{
    QList<qint64> ids;
    for (qint64 id : editableSelection())
        if (m_shapes.at(id).labelId != labelId) ids << id;
    if (ids.isEmpty() || !m_doc || !label(labelId)) return;
    push(new ChangeLabel(*m_doc, ids, labelId));
}

} // namespace loupe::views
