// SPDX-License-Identifier: MIT
#pragma once

#include "core/models/hub_download.h"

#include <QFuture>
#include <QObject>
#include <QPointer>
#include <atomic>
#include <functional>
#include <memory>

namespace loupe::core {

class JobHandle;
class JobTracker;

// Runs downloadFromHub on a worker thread as a job of `tracker` (progress in KiB). Cancelling the job
// stops the transfer and keeps what arrived: starting the same download again resumes it, so cancel
// doubles as pause. `onDone` runs on the tracker's thread with the result.
JobHandle* startHubDownload(JobTracker& tracker, const HubDownloadOptions& options,
                            std::function<void(const HubDownloadResult&)> onDone = {});

} // namespace loupe::core

namespace loupe::core {

// One Hub download the user can pause and resume (the Models manager's Pause/Resume). Each run is a
// job of the tracker; pause stops the transfer and keeps the partial .incomplete file, resume starts a
// run that continues it with an HTTP Range request (the file is checked against its checksum at the
// end either way; a server that ignores Range sends the whole file again, which replaces the partial).
// Cancelling the run's job in the Jobs dock pauses too.
class HubDownloadTask : public QObject
{
    Q_OBJECT
public:
    enum class State { Idle, Running, Pausing, Paused, Succeeded, Failed };
    Q_ENUM(State)

    // tracker may be null (no Jobs dock row).
    HubDownloadTask(const HubDownloadOptions& options, JobTracker* tracker, QObject* parent = nullptr);
    ~HubDownloadTask() override; // stops a running transfer and waits for it (the partial file stays)

    const HubDownloadOptions& options() const { return m_options; }
    State state() const { return m_state; }
    qint64 bytesDone() const { return m_done; }
    qint64 bytesTotal() const { return m_total; }
    // The last run's outcome (stopped for a pause).
    const HubDownloadResult& result() const { return m_result; }

public slots:
    void start(); // also resumes; does nothing while a run is going
    void pause();
    void resume() { start(); }

signals:
    void progress(qint64 done, qint64 total, const QString& file);
    void stateChanged(loupe::core::HubDownloadTask::State state);
    // Once the download is complete or has failed (not on a pause).
    void finished(const loupe::core::HubDownloadResult& result);

private:
    void runDone(const HubDownloadResult& r);
    void setState(State s);

    HubDownloadOptions m_options;
    QPointer<JobTracker> m_tracker;
    QPointer<JobHandle> m_job;
    std::shared_ptr<std::atomic<bool>> m_stop;
    QFuture<void> m_run;
    State m_state = State::Idle;
    qint64 m_done = 0, m_total = 0;
    HubDownloadResult m_result;
};

} // namespace loupe::core
