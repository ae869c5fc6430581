// SPDX-License-Identifier: MIT
#include "views/jobs/jobspanel.h"

#include "core/jobs/jobtracker.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>

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

    // Elapsed time and ETA move even when a job reports no progress for a while.
    m_tick = new QTimer(this);
    m_tick->setInterval(1000);
    connect(m_tick, &QTimer::timeout, this, &JobsPanel::updateTimes);
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
    auto* v = new QVBoxLayout(row);
    v->setContentsMargins(0, 0, 0, 4);
    v->setSpacing(2);
    auto* label = new QLabel(job->title(), row);
    label->setObjectName(QStringLiteral("jobLabel"));
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* bar = new QProgressBar(row);
    bar->setObjectName(QStringLiteral("jobProgress"));
    bar->setMinimumWidth(60);
    auto* time = new QLabel(row);
    time->setObjectName(QStringLiteral("jobTime"));
    auto* button = new QPushButton(tr("Cancel"), row);
    button->setObjectName(QStringLiteral("jobCancel"));
    connect(button, &QPushButton::clicked, job, [this, job] {
        if (job->isRunning())
            job->requestCancel(); // the row shows "Cancelling…" until the worker stops
        else
            removeRow(job); // "Dismiss": the tracker keeps it until Clear finished
    });
    auto* h = new QHBoxLayout;
    h->addWidget(bar, 1);
    h->addWidget(time);
    h->addWidget(button);
    v->addWidget(label);
    v->addLayout(h);
    m_started[job].start();
    if (!m_tick->isActive()) m_tick->start();
    m_list->insertWidget(m_list->count() - 1, row);
    m_rows.insert(job, row);
    connect(job, &JobHandle::changed, this, [this, job] { updateRow(job); });
    connect(job, &QObject::destroyed, this, [this, job] {
        if (QWidget* w = m_rows.take(job)) w->deleteLater();
        m_started.remove(job);
        m_tookMs.remove(job);
        updateIdle();
    });
    updateRow(job);
    updateIdle();
}

void JobsPanel::removeRow(JobHandle* job)
{
    if (QWidget* w = m_rows.take(job)) w->deleteLater();
    m_started.remove(job);
    m_tookMs.remove(job);
    updateIdle();
}

QString JobsPanel::formatDuration(qint64 ms)
{
    const qint64 s = std::max<qint64>(0, ms / 1000);
    if (s >= 3600)
        return QStringLiteral("%1:%2:%3")
            .arg(s / 3600)
            .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
            .arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

void JobsPanel::updateTimes()
{
    bool running = false;
    for (auto it = m_rows.cbegin(); it != m_rows.cend(); ++it) {
        const core::JobHandle* job = it.key();
        auto* time = it.value()->findChild<QLabel*>(QStringLiteral("jobTime"));
        if (!time) continue;
        if (m_tookMs.contains(job)) {
            time->setText(tr("took %1").arg(formatDuration(m_tookMs.value(job))));
            continue;
        }
        running = true;
        const qint64 elapsed = m_started.value(job).isValid() ? m_started.value(job).elapsed() : 0;
        QString text = formatDuration(elapsed);
        // The rate so far, once there is one: a first estimate from one step would only jump about.
        if (job->total() > 0 && job->done() > 0 && job->done() < job->total())
            text += tr(" · about %1 left")
                        .arg(formatDuration(elapsed * (job->total() - job->done()) / job->done()));
        time->setText(text);
    }
    if (!running) m_tick->stop();
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
        updateTimes();
        return;
    }
    if (!m_tookMs.contains(job) && m_started.contains(job)) m_tookMs.insert(job, m_started[job].elapsed());
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
    updateTimes();
    updateIdle();
}

void JobsPanel::updateIdle()
{
    m_idle->setVisible(m_rows.isEmpty());
    m_clear->setEnabled(m_tracker->jobs().size() > m_tracker->runningCount());
}

} // namespace loupe::views
