// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/shapes/shape.h"

#include <QDockWidget>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;

namespace loupe::annotation {
class ProjectAnnotations;
} // namespace loupe::annotation

namespace loupe::views {

class ReviewSession;

// The Review dock: walks the current image's shapes in review order (lowest score first, newest
// first, or by label), highlights the current one through shapeSelected, and takes verdicts: the
// window's Y accept, X reject, F needs fix (with the comment typed in the field) come here through
// review(); N / Shift+N next and previous, Ctrl+D toggle "image done" are window-wide. Counts per review
// state and the done state are shown live; every verdict and done toggle is one step of the project's undo
// stack.
class ReviewDock : public QDockWidget
{
    Q_OBJECT
public:
    explicit ReviewDock(annotation::ProjectAnnotations& annotations, QWidget* parent = nullptr);

    ReviewSession* session() const { return m_session; }
    // accept, reject, needs fix, previous, next, done: for menus.
    QList<QAction*> reviewActions() const;
    // Gives the current shape this verdict (with the typed comment) and moves on; false when there is
    // no current shape.
    bool review(annotation::ReviewState state);

public slots:
    void setImage(qint64 assetId);

signals:
    void shapeSelected(qint64 assetId, qint64 shapeId);

private:
    QAction* addReviewAction(const QString& text, const QKeySequence& key, const QString& name,
                             const QString& windowKey = {});
    void verdict(int state);
    void refresh();

    annotation::ProjectAnnotations& m_annotations;
    ReviewSession* m_session;
    QComboBox* m_order;
    QComboBox* m_show;
    QComboBox* m_scope;
    QLabel* m_position;
    QLabel* m_shape;
    QLineEdit* m_comment;
    QLabel* m_counts;
    QLabel* m_done;
    QLabel* m_error;
    QList<QAction*> m_actions;
};

} // namespace loupe::views
