// SPDX-License-Identifier: MIT
#include "views/review/reviewdock.h"

#include "annotation/bridge/projectannotations.h"
#include "core/store/project.h"
#include "views/review/reviewsession.h"

#include <QAction>
#include <QComboBox>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>

namespace loupe::views {

using annotation::ReviewState;

namespace {
// The Show box's entries that are not one review state.
constexpr int kAllShapes = -1;
constexpr int kProposals = -2;
} // namespace

ReviewDock::ReviewDock(annotation::ProjectAnnotations& annotations, QWidget* parent)
    : QDockWidget(tr("Review"), parent), m_annotations(annotations),
      m_session(new ReviewSession(annotations, this))
{
    setObjectName(QStringLiteral("reviewDock"));
    auto* body = new QWidget(this);
    m_order = new QComboBox(body);
    m_order->setObjectName(QStringLiteral("reviewOrder"));
    m_order->addItem(tr("Lowest score first"), int(annotation::ReviewOrder::LowestScoreFirst));
    m_order->addItem(tr("Newest first"), int(annotation::ReviewOrder::NewestFirst));
    m_order->addItem(tr("By label"), int(annotation::ReviewOrder::ByLabel));
    m_order->addItem(tr("By state"), int(annotation::ReviewOrder::ByState));
    m_scope = new QComboBox(body);
    m_scope->setObjectName(QStringLiteral("reviewScope"));
    m_scope->addItem(tr("This image"), int(ReviewSession::Scope::Image));
    m_scope->addItem(tr("Whole project"), int(ReviewSession::Scope::Project));
    m_show = new QComboBox(body);
    m_show->setObjectName(QStringLiteral("reviewShow"));
    m_show->addItem(tr("Not reviewed"), int(ReviewState::New));
    m_show->addItem(tr("Needs fix"), int(ReviewState::NeedsFix));
    m_show->addItem(tr("All shapes"), kAllShapes);
    m_show->addItem(tr("Model proposals"), kProposals);
    m_position = new QLabel(body);
    m_position->setObjectName(QStringLiteral("reviewPosition"));
    m_shape = new QLabel(body);
    m_shape->setObjectName(QStringLiteral("reviewShape"));
    m_comment = new QLineEdit(body);
    m_comment->setObjectName(QStringLiteral("reviewComment"));
    m_comment->setPlaceholderText(tr("Comment (kept with the verdict)"));
    m_counts = new QLabel(body);
    m_counts->setObjectName(QStringLiteral("reviewCounts"));
    m_done = new QLabel(body);
    m_done->setObjectName(QStringLiteral("reviewDone"));
    m_error = new QLabel(body);
    m_error->setObjectName(QStringLiteral("reviewError"));
    m_error->setWordWrap(true);
    m_error->hide();

    // Verdict keys belong to the window's Accept / Reject / Needs Fix actions (Y, X, F), which hand the
    // verdict to this dock while it has a current shape; the buttons here only click. Next, previous
    // and done are window-wide too, on keys no tool uses, so they work from the canvas and the dock.
    QAction* accept = addReviewAction(tr("Accept"), {}, QStringLiteral("reviewAccept"), QStringLiteral("Y"));
    QAction* reject = addReviewAction(tr("Reject"), {}, QStringLiteral("reviewReject"), QStringLiteral("X"));
    QAction* fix =
        addReviewAction(tr("Needs fix"), {}, QStringLiteral("reviewNeedsFix"), QStringLiteral("F"));
    QAction* prev =
        addReviewAction(tr("Previous"), QKeySequence(tr("Shift+N")), QStringLiteral("reviewPrevious"));
    QAction* next = addReviewAction(tr("Next"), QKeySequence(tr("N")), QStringLiteral("reviewNext"));
    QAction* done =
        addReviewAction(tr("Image done"), QKeySequence(tr("Ctrl+D")), QStringLiteral("reviewDoneToggle"));
    connect(accept, &QAction::triggered, this, [this] { verdict(int(ReviewState::Accepted)); });
    connect(reject, &QAction::triggered, this, [this] { verdict(int(ReviewState::Rejected)); });
    connect(fix, &QAction::triggered, this, [this] { verdict(int(ReviewState::NeedsFix)); });
    connect(prev, &QAction::triggered, m_session, &ReviewSession::previous);
    connect(next, &QAction::triggered, m_session, &ReviewSession::next);
    connect(done, &QAction::triggered, this, [this] { m_session->setDone(!m_session->isDone()); });

    auto* layout = new QGridLayout(body);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_order, 0, 0, 1, 2);
    layout->addWidget(m_show, 0, 2, 1, 2);
    layout->addWidget(m_scope, 0, 4, 1, 2);
    layout->addWidget(m_position, 1, 0, 1, 2);
    layout->addWidget(m_shape, 1, 2, 1, 4);
    layout->addWidget(m_comment, 2, 0, 1, 6);
    int column = 0;
    for (QAction* a : m_actions) {
        auto* b = new QToolButton(body);
        b->setDefaultAction(a);
        b->setToolButtonStyle(Qt::ToolButtonTextOnly);
        layout->addWidget(b, 3, column++);
    }
    layout->addWidget(m_counts, 4, 0, 1, 6);
    layout->addWidget(m_done, 5, 0, 1, 6);
    layout->addWidget(m_error, 6, 0, 1, 6);
    layout->setRowStretch(7, 1);
    setWidget(body);

    connect(m_order, &QComboBox::currentIndexChanged, this,
            [this] { m_session->setOrder(annotation::ReviewOrder(m_order->currentData().toInt())); });
    connect(m_scope, &QComboBox::currentIndexChanged, this,
            [this] { m_session->setScope(ReviewSession::Scope(m_scope->currentData().toInt())); });
    connect(m_show, &QComboBox::currentIndexChanged, this, [this] {
        const int s = m_show->currentData().toInt();
        // Proposals are the model's shapes nobody has reviewed yet.
        m_session->setSourceFilter(s == kProposals ? std::optional(annotation::ShapeSource::Model)
                                                   : std::nullopt);
        if (s == kProposals)
            m_session->setStateFilter(ReviewState::New);
        else
            m_session->setStateFilter(s < 0 ? std::nullopt : std::optional<ReviewState>(ReviewState(s)));
    });
    connect(m_session, &ReviewSession::shapeSelected, this, &ReviewDock::shapeSelected);
    connect(m_session, &ReviewSession::stateChanged, this, &ReviewDock::refresh);
    connect(m_session, &ReviewSession::failed, this, [this](const QString& message) {
        m_error->setText(message);
        m_error->show();
    });
    connect(annotations.document(), &annotation::AnnotationDocument::storeFailed, this,
            [this](const QString& message) {
                m_error->setText(message);
                m_error->show();
            });
    refresh();
}

QAction* ReviewDock::addReviewAction(const QString& text, const QKeySequence& key, const QString& name,
                                     const QString& windowKey)
{
    auto* a = new QAction(text, this);
    a->setObjectName(name);
    a->setShortcut(key);
    a->setShortcutContext(Qt::WindowShortcut);
    a->setToolTip(QStringLiteral("%1 (%2)").arg(
        text, key.isEmpty() ? windowKey : key.toString(QKeySequence::NativeText)));
    addAction(a);
    m_actions << a;
    return a;
}

QList<QAction*> ReviewDock::reviewActions() const
{
    return m_actions;
}

void ReviewDock::setImage(qint64 assetId)
{
    m_error->hide();
    m_session->setImage(assetId);
}

bool ReviewDock::review(annotation::ReviewState state)
{
    if (!m_session->currentShape()) return false;
    verdict(int(state));
    return true;
}

void ReviewDock::verdict(int state)
{
    m_error->hide();
    if (m_session->review(ReviewState(state), m_comment->text().trimmed())) m_comment->clear();
}

void ReviewDock::refresh()
{
    const auto& queue = m_session->queue();
    const bool hasImage = m_session->image() != 0 || m_session->scope() == ReviewSession::Scope::Project;
    m_position->setText(!hasImage       ? tr("No image")
                        : queue.empty() ? tr("Nothing to review")
                                        : tr("%1 of %2").arg(m_session->position() + 1).arg(queue.size()));
    QString shapeText;
    if (const qint64 id = m_session->currentShape()) {
        if (const auto s = m_annotations.document()->shape(id)) {
            QString label = tr("no label");
            for (const core::Label& l : m_annotations.project().labels())
                if (l.id == s->labelId) label = l.name;
            shapeText = s->score ? tr("%1 · score %2 · %3").arg(label).arg(*s->score, 0, 'f', 2)
                                 : tr("%1 · drawn · %2").arg(label);
            shapeText = shapeText.arg(annotation::reviewStateName(s->review));
        }
    }
    m_shape->setText(shapeText);
    const annotation::ReviewCounts c = m_session->counts();
    m_counts->setText(
        tr("New %1 · Accepted %2 · Rejected %3 · Needs fix %4").arg(c[0]).arg(c[1]).arg(c[2]).arg(c[3]));
    m_done->setText(!hasImage ? QString() : m_session->isDone() ? tr("Image done ✓") : tr("Image not done"));
    const bool hasShape = m_session->currentShape() != 0;
    for (int i = 0; i < 3; ++i)
        m_actions[i]->setEnabled(hasShape);
    m_actions[3]->setEnabled(m_session->position() > 0);
    m_actions[4]->setEnabled(hasShape && m_session->position() + 1 < int(queue.size()));
    m_actions[5]->setEnabled(m_session->image() != 0);
}

} // namespace loupe::views
