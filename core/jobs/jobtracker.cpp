// SPDX-License-Identifier: MIT
#include "core/jobs/jobtracker.h"

#include <QMetaObject>
#include <QThread>

namespace loupe::core {

JobHandle::JobHandle(QString title, std::function<void()> onCancel, QObject* parent)
    : QObject(parent), m_title(std::move(title)), m_onCancel(std::move(onCancel))
{
}

void JobHandle::setProgress(int done, int total)
{
    if (QThread::currentThread() == thread())
        applyProgress(done, total);
    else
        QMetaObject::invokeMethod(
            this, [this, done, total] { applyProgress(done, total); }, Qt::QueuedConnection);
}

void JobHandle::finish(State state, const QString& message)
{
    if (QThread::currentThread() == thread())
        applyFinish(state, message);
    else
        QMetaObject::invokeMethod(
            this, [this, state, message] { applyFinish(state, message); }, Qt::QueuedConnection);
}

void JobHandle::requestCancel()
{
    if (!isRunning() || m_cancel.exchange(true)) return;
    if (m_onCancel) m_onCancel();
    emit changed();
}

void JobHandle::applyProgress(int done, int total)
{
    // A late report from a worker must not move a finished job's bar.
    if (!isRunning()) return;
    m_done = done;
    m_total = total;
    emit changed();
}

void JobHandle::applyFinish(State state, const QString& message)
{
    if (!isRunning() || state == State::Running) return;
    m_state = state;
    m_message = message;
    if (state == State::Succeeded && m_total > 0) m_done = m_total;
    emit changed();
    emit finished(state);
}

JobTracker::JobTracker(QObject* parent) : QObject(parent) {}

JobHandle* JobTracker::start(const QString& title, std::function<void()> onCancel)
{
    auto* job = new JobHandle(title, std::move(onCancel), this);
    m_jobs << job;
    emit jobAdded(job);
    return job;
}

QList<JobHandle*> JobTracker::jobs() const
{
    QList<JobHandle*> out;
    for (const QPointer<JobHandle>& j : m_jobs)
        if (j) out << j;
    return out;
}

int JobTracker::runningCount() const
{
    int n = 0;
    for (const QPointer<JobHandle>& j : m_jobs)
        n += j && j->isRunning();
    return n;
}

void JobTracker::clearFinished()
{
    for (qsizetype i = m_jobs.size(); i-- > 0;) {
        JobHandle* j = m_jobs[i];
        if (j && j->isRunning()) continue;
        m_jobs.removeAt(i);
        if (j) {
            emit jobRemoved(j);
            j->deleteLater();
        }
    }
}

} // namespace loupe::core
