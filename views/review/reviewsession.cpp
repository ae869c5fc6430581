// SPDX-License-Identifier: MIT
#include "views/review/reviewsession.h"

#include "annotation/bridge/projectannotations.h"
#include "annotation/bridge/projectreviewqueue.h"
#include "annotation/commands/changereviewstate.h"
#include "core/store/project.h"

#include <algorithm>

namespace loupe::views {

using annotation::ReviewState;

ReviewSession::ReviewSession(annotation::ProjectAnnotations& annotations, QObject* parent)
    : QObject(parent), m_annotations(annotations)
{
    annotation::AnnotationDocument* doc = annotations.document();
    connect(doc, &annotation::AnnotationDocument::changed, this, &ReviewSession::onDocumentChanged);
    connect(doc, &annotation::AnnotationDocument::shapesReloaded, this, [this] { rebuild(currentShape()); });
    // "Done" lives in the project; its undo arrives as a project history change.
    connect(&annotations.project(), &core::Project::historyChanged, this, &ReviewSession::stateChanged);
}

void ReviewSession::onDocumentChanged(const annotation::ChangeEvent& e)
{
    if (m_scope == Scope::Project || (m_image && e.imageIds.contains(m_image))) rebuild(currentShape());
}

void ReviewSession::setScope(Scope scope)
{
    if (scope == m_scope) return;
    m_scope = scope;
    m_pos = -1;
    rebuild(0);
}

void ReviewSession::setImage(qint64 assetId)
{
    m_image = assetId;
    if (m_scope == Scope::Project) {
        // The queue spans images: going to the current shape's image keeps the place in it.
        emit stateChanged();
        return;
    }
    m_pos = -1;
    rebuild(0);
}

qint64 ReviewSession::currentImage() const
{
    return m_pos >= 0 ? m_queueImages[size_t(m_pos)] : 0;
}

void ReviewSession::setOrder(annotation::ReviewOrder order)
{
    m_order = order;
    rebuild(currentShape());
}

void ReviewSession::setStateFilter(std::optional<ReviewState> state)
{
    m_filter.state = state;
    rebuild(currentShape());
}

void ReviewSession::setSourceFilter(std::optional<annotation::ShapeSource> source)
{
    m_filter.source = source;
    rebuild(currentShape());
}

void ReviewSession::rebuild(qint64 keep)
{
    const int oldPos = m_pos;
    if (m_scope == Scope::Project) {
        m_queue.clear();
        m_queueImages.clear();
        for (const annotation::ReviewItem& item :
             annotation::projectReviewQueue(m_annotations.project(), m_order, m_filter, &m_counts)) {
            m_queue.push_back(item.shapeId);
            m_queueImages.push_back(item.imageId);
        }
    } else {
        std::vector<annotation::Shape> shapes;
        if (m_image) shapes = m_annotations.document()->shapes(m_image);
        m_queue = annotation::reviewOrder(shapes, m_order, m_filter);
        m_queueImages.assign(m_queue.size(), m_image);
        m_counts = annotation::countByReviewState(shapes);
    }
    const auto it = std::find(m_queue.begin(), m_queue.end(), keep);
    if (keep && it != m_queue.end())
        m_pos = int(it - m_queue.begin());
    else // the shape left the queue (it was reviewed): the one after it now sits at its place
        m_pos = m_queue.empty() ? -1 : std::clamp(oldPos, 0, int(m_queue.size()) - 1);
    setPosition(m_pos);
    emit stateChanged();
}

void ReviewSession::setPosition(int pos)
{
    m_pos = pos;
    const std::pair<qint64, qint64> shown{m_scope == Scope::Project && m_pos >= 0 ? currentImage() : m_image,
                                          currentShape()};
    if (shown != m_shown) {
        m_shown = shown;
        emit shapeSelected(shown.first, shown.second);
    }
}

bool ReviewSession::next()
{
    if (m_pos < 0 || m_pos + 1 >= int(m_queue.size())) return false;
    setPosition(m_pos + 1);
    emit stateChanged();
    return true;
}

bool ReviewSession::previous()
{
    if (m_pos <= 0) return false;
    setPosition(m_pos - 1);
    emit stateChanged();
    return true;
}

void ReviewSession::select(qint64 shapeId)
{
    const auto it = std::find(m_queue.begin(), m_queue.end(), shapeId);
    if (it == m_queue.end()) return;
    setPosition(int(it - m_queue.begin()));
    emit stateChanged();
}

bool ReviewSession::review(ReviewState state, const QString& comment)
{
    const qint64 id = currentShape();
    if (!id) return false;
    annotation::AnnotationDocument* doc = m_annotations.document();
    doc->undoStack()->push(new annotation::ChangeReviewState(*doc, {id}, state, comment));
    const auto shape = doc->shape(id);
    if (!shape || shape->review != state) {
        emit failed(tr("Could not save the review of this shape."));
        return false;
    }
    // Still queued (the filter shows every state): step past it. Otherwise rebuild() already moved on.
    if (currentShape() == id) next();
    return true;
}

bool ReviewSession::isDone() const
{
    if (!m_image) return false;
    const auto row = m_annotations.project().asset(m_image);
    return row && row->done;
}

bool ReviewSession::setDone(bool done)
{
    if (!m_image) return false;
    QString error;
    if (!m_annotations.project().setDone({m_image}, done, &error)) {
        emit failed(error);
        return false;
    }
    emit stateChanged();
    return true;
}

} // namespace loupe::views
