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
