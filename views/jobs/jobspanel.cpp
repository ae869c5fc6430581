// SPDX-License-Identifier: MIT
#include "views/jobs/jobspanel.h"

#include "core/jobs/jobtracker.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace loupe::views {

using core::JobHandle;

JobsPanel::JobsPanel(core::JobTracker* tracker, QWidget* parent) : QWidget(parent), m_tracker(tracker)
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(6, 6, 6, 6);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* inner = new QWidget(scroll);
    m_list = new QVBoxLayout(inner);
    m_list->setContentsMargins(0, 0, 0, 0);
    m_idle = new QLabel(tr("No jobs running."), inner);
    m_idle->setObjectName(QStringLiteral("idleLabel"));
    m_idle->setAlignment(Qt::AlignCenter);
    m_list->addWidget(m_idle);
    m_list->addStretch(1);
    scroll->setWidget(inner);
    outer->addWidget(scroll, 1);
    m_clear = new QPushButton(tr("Clear finished"), this);
    m_clear->setObjectName(QStringLiteral("clearFinished"));
    connect(m_clear, &QPushButton::clicked, m_tracker, &core::JobTracker::clearFinished);
    outer->addWidget(m_clear, 0, Qt::AlignRight);

    connect(m_tracker, &core::JobTracker::jobAdded, this, &JobsPanel::addRow);
    connect(m_tracker, &core::JobTracker::jobRemoved, this, &JobsPanel::removeRow);
    for (JobHandle* job : m_tracker->jobs())
        addRow(job);
    updateIdle();
}

void JobsPanel::addRow(JobHandle* job)
{
    auto* row = new QWidget(m_list->parentWidget());
    row->setObjectName(QStringLiteral("job"));
    auto* h = new QHBoxLayout(row);
    h->setContentsMargins(0, 0, 0, 0);
    auto* label = new QLabel(job->title(), row);
    label->setObjectName(QStringLiteral("jobLabel"));
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* bar = new QProgressBar(row);
    bar->setObjectName(QStringLiteral("jobProgress"));
    auto* button = new QPushButton(tr("Cancel"), row);
    button->setObjectName(QStringLiteral("jobCancel"));
    connect(button, &QPushButton::clicked, job, [this, job] {
        if (job->isRunning())
            job->requestCancel(); // the row shows "Cancelling…" until the worker stops
        else
            removeRow(job); // "Dismiss": the tracker keeps it until Clear finished
    });
    h->addWidget(label, 1);
    h->addWidget(bar, 1);
    h->addWidget(button);
    m_list->insertWidget(m_list->count() - 1, row);
    m_rows.insert(job, row);
    connect(job, &JobHandle::changed, this, [this, job] { updateRow(job); });
    connect(job, &QObject::destroyed, this, [this, job] {
        if (QWidget* w = m_rows.take(job)) w->deleteLater();
        updateIdle();
    });
    updateRow(job);
    updateIdle();
}

void JobsPanel::removeRow(JobHandle* job)
{
    if (QWidget* w = m_rows.take(job)) w->deleteLater();
    updateIdle();
}

void JobsPanel::updateRow(JobHandle* job)
{
    QWidget* row = m_rows.value(job);
    if (!row) return;
    auto* bar = row->findChild<QProgressBar*>(QStringLiteral("jobProgress"));
    auto* label = row->findChild<QLabel*>(QStringLiteral("jobLabel"));
    auto* button = row->findChild<QPushButton*>(QStringLiteral("jobCancel"));
    if (job->isRunning()) {
        if (job->total() > 0) {
            bar->setRange(0, job->total());
            bar->setValue(job->done());
            bar->setFormat(tr("%1 / %2").arg(job->done()).arg(job->total()));
        } else {
            bar->setRange(0, 0); // busy until the first report
        }
        if (job->cancelRequested()) {
            button->setEnabled(false);
            button->setText(tr("Cancelling…"));
        }
        return;
    }
    bar->setRange(0, 1);
    bar->setValue(job->state() == JobHandle::State::Succeeded ? 1 : 0);
    switch (job->state()) {
    case JobHandle::State::Succeeded:
        bar->setFormat(tr("done"));
        break;
    case JobHandle::State::Cancelled:
        bar->setFormat(tr("cancelled"));
        break;
    default:
        bar->setFormat(tr("failed"));
        break;
    }
    if (!job->message().isEmpty()) {
        label->setText(job->message());
        row->setToolTip(job->title() + QStringLiteral("\n") + job->message());
    }
    button->setEnabled(true);
    button->setText(tr("Dismiss"));
    updateIdle();
}

void JobsPanel::updateIdle()
{
    m_idle->setVisible(m_rows.isEmpty());
    m_clear->setEnabled(m_tracker->jobs().size() > m_tracker->runningCount());
}

} // namespace loupe::views
