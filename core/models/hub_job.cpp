// SPDX-License-Identifier: MIT
#include "core/models/hub_job.h"

#include "core/jobs/jobtracker.h"

#include <QMetaObject>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>
#include <memory>

namespace loupe::core {

JobHandle* startHubDownload(JobTracker& tracker, const HubDownloadOptions& options,
                            std::function<void(const HubDownloadResult&)> onDone)
{
    auto stop = std::make_shared<std::atomic<bool>>(false);
    JobHandle* job =
        tracker.start(QStringLiteral("Download %1").arg(options.repoId), [stop] { *stop = true; });
    QPointer<JobHandle> handle(job);
    QPointer<JobTracker> owner(&tracker);
    (void)QtConcurrent::run([options, stop, handle, owner, onDone = std::move(onDone)] {
        const HubDownloadResult r = downloadFromHub(
            options,
            [handle](qint64 done, qint64 total, const QString&) {
                if (handle) handle->setProgress(int(done / 1024), int(total / 1024));
            },
            stop.get());
        if (handle) {
            if (r.ok)
                handle->finish(JobHandle::State::Succeeded, QStringLiteral("Downloaded to %1").arg(r.folder));
            else
                handle->finish(r.stopped ? JobHandle::State::Cancelled : JobHandle::State::Failed,
                               r.stopped ? QStringLiteral("Paused: start the same download again to resume")
                                         : r.error);
        }
        if (onDone && owner)
            QMetaObject::invokeMethod(
                owner, [onDone, r] { onDone(r); }, Qt::QueuedConnection);
    });
    return job;
}

} // namespace loupe::core

namespace loupe::core {

HubDownloadTask::HubDownloadTask(const HubDownloadOptions& options, JobTracker* tracker, QObject* parent)
    : QObject(parent), m_options(options), m_tracker(tracker)
{
    qRegisterMetaType<loupe::core::HubDownloadResult>();
}

HubDownloadTask::~HubDownloadTask()
{
    if (m_stop) *m_stop = true;
    m_run.waitForFinished(); // the transfer polls the flag every 100 ms; what it posts here is dropped
    if (m_job && m_job->isRunning())
        m_job->finish(JobHandle::State::Cancelled, QStringLiteral("Paused: the download window closed"));
}

void HubDownloadTask::setState(State s)
{
    if (s == m_state) return;
    m_state = s;
    emit stateChanged(s);
}

void HubDownloadTask::start()
{
    if (m_state == State::Running || m_state == State::Pausing || m_state == State::Succeeded) return;
    m_stop = std::make_shared<std::atomic<bool>>(false);
    if (m_tracker)
        m_job = m_tracker->start(QStringLiteral("Download %1").arg(m_options.repoId), [this] { pause(); });
    setState(State::Running);
    const std::shared_ptr<std::atomic<bool>> stop = m_stop;
    m_run = QtConcurrent::run([this, stop, options = m_options, job = m_job] {
        const HubDownloadResult r = downloadFromHub(
            options,
            [this, job](qint64 done, qint64 total, const QString& file) {
                if (job) job->setProgress(int(done / 1024), int(total / 1024));
                QMetaObject::invokeMethod(
                    this,
                    [this, done, total, file] {
                        m_done = done;
                        m_total = total;
                        emit progress(done, total, file);
                    },
                    Qt::QueuedConnection);
            },
            stop.get());
        QMetaObject::invokeMethod(
            this, [this, r] { runDone(r); }, Qt::QueuedConnection);
    });
}

void HubDownloadTask::pause()
{
    if (m_state != State::Running || !m_stop) return;
    *m_stop = true;
    setState(State::Pausing);
}

void HubDownloadTask::runDone(const HubDownloadResult& r)
{
    m_result = r;
    if (r.ok) {
        if (m_job)
            m_job->finish(JobHandle::State::Succeeded, QStringLiteral("Downloaded to %1").arg(r.folder));
        setState(State::Succeeded);
        emit finished(r);
    } else if (r.stopped) {
        if (m_job)
            m_job->finish(JobHandle::State::Cancelled,
                          QStringLiteral("Paused: resume continues where it stopped"));
        setState(State::Paused);
    } else {
        if (m_job) m_job->finish(JobHandle::State::Failed, r.error);
        setState(State::Failed);
        emit finished(r);
    }
}

} // namespace loupe::core
