// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/review/reviewqueue.h"

#include <QObject>
#include <optional>
#include <vector>

namespace loupe::annotation {
class ProjectAnnotations;
struct ChangeEvent;
} // namespace loupe::annotation

namespace loupe::views {

// Review of one image's shapes, or of the whole project's (scope), without widgets: the queue in review order
// (annotation/review), the current shape, and the verdicts. Every verdict is a ChangeReviewState command and
// "done" a project edit, so both are on the one undo stack. The queue follows the document: undo, redo and
// edits made elsewhere rebuild it, keeping the current shape where it still qualifies.
class ReviewSession : public QObject
{
    Q_OBJECT
public:
    explicit ReviewSession(annotation::ProjectAnnotations& annotations, QObject* parent = nullptr);

    // Image: the queue holds the shown image's shapes. Project: every image's, in one order (lowest
    // score first across the project, ...); the current shape may then be on another image, which
    // shapeSelected names so the window can go there.
    enum class Scope { Image, Project };
    void setScope(Scope scope);
    Scope scope() const { return m_scope; }

    void setImage(qint64 assetId); // 0: none
    qint64 image() const { return m_image; }
    // The image the current shape is on (the shown image in image scope; 0 when nothing is current).
    qint64 currentImage() const;
    void setOrder(annotation::ReviewOrder order);
    annotation::ReviewOrder order() const { return m_order; }
    // Which shapes the queue holds: nullopt = every state. Default: new (not yet reviewed) shapes.
    void setStateFilter(std::optional<annotation::ReviewState> state);
    std::optional<annotation::ReviewState> stateFilter() const { return m_filter.state; }
    // Only shapes from this source (nullopt: any): a model's proposals after pre-labelling.
    void setSourceFilter(std::optional<annotation::ShapeSource> source);
    std::optional<annotation::ShapeSource> sourceFilter() const { return m_filter.source; }

    const std::vector<qint64>& queue() const { return m_queue; }
    int position() const { return m_pos; } // -1 when the queue is empty
    qint64 currentShape() const { return m_pos >= 0 ? m_queue[size_t(m_pos)] : 0; }
    bool next();
    bool previous();
    void select(qint64 shapeId);

    // Gives the current shape a verdict (with an optional comment) and moves to the next shape.
    bool review(annotation::ReviewState state, const QString& comment = {});
    bool isDone() const;
    bool setDone(bool done);
    annotation::ReviewCounts counts() const { return m_counts; }

signals:
    // The shape to show and highlight; shapeId 0 when this image has nothing (left) to review.
    void shapeSelected(qint64 assetId, qint64 shapeId);
    // Queue, counts or done state changed.
    void stateChanged();
    void failed(const QString& message);

private:
    void rebuild(qint64 keep);
    void setPosition(int pos);
    void onDocumentChanged(const annotation::ChangeEvent& e);

    annotation::ProjectAnnotations& m_annotations;
    qint64 m_image = 0;
    annotation::ReviewOrder m_order = annotation::ReviewOrder::LowestScoreFirst;
    annotation::ReviewFilter m_filter;
    Scope m_scope = Scope::Image;
    std::vector<qint64> m_queue;
    std::vector<qint64> m_queueImages; // the image of each queued shape
    int m_pos = -1;
    annotation::ReviewCounts m_counts{};
    std::pair<qint64, qint64> m_shown{-1, -1};
};

} // namespace loupe::views
