// SPDX-License-Identifier: MIT
#pragma once

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
// first, or by label), highlights the current one through shapeSelected, and takes verdicts from the
// keyboard: A accept, R reject, F needs fix (with the comment typed in the field), N / P next and
// previous, D toggle "image done". Counts per review state and the done state are shown live; every
// verdict and done toggle is one step of the project's undo stack.
class ReviewDock : public QDockWidget
{
    Q_OBJECT
public:
    explicit ReviewDock(annotation::ProjectAnnotations& annotations, QWidget* parent = nullptr);

    ReviewSession* session() const { return m_session; }
    // accept, reject, needs fix, previous, next, done: for menus. Their shortcuts work while the dock
    // has focus; set Qt::WindowShortcut on them to review from the canvas.
    QList<QAction*> reviewActions() const;

public slots:
    void setImage(qint64 assetId);

signals:
    void shapeSelected(qint64 assetId, qint64 shapeId);

private:
    QAction* addReviewAction(const QString& text, const QKeySequence& key, const QString& name);
    void verdict(int state);
    void refresh();

    annotation::ProjectAnnotations& m_annotations;
    ReviewSession* m_session;
    QComboBox* m_order;
    QComboBox* m_show;
    QLabel* m_position;
    QLabel* m_shape;
    QLineEdit* m_comment;
    QLabel* m_counts;
    QLabel* m_done;
    QLabel* m_error;
    QList<QAction*> m_actions;
};

} // namespace loupe::views
