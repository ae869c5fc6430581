// SPDX-License-Identifier: MIT
// runBatch on a worker thread, watched by a JobHandle. The worker never touches the handle: it reports
// through its QPromise and a shared cancel flag, so a handle cleared from the Jobs dock (or a tracker
// closed with the project) leaves the worker nothing dangling to call.
#include "core/jobs/batchinference.h"
#include "core/jobs/jobtracker.h"
#include "core/store/project.h"

#include <QFutureWatcher>
#include <QPromise>
#include <QtConcurrent>
#include <atomic>
#include <memory>

namespace loupe::core {

namespace {

struct Shared
{
    std::atomic<bool> cancel{false};
    BatchReport report; // written by the worker before its future finishes, read after
};

QString summary(const BatchReport& r)
{
    QString s = QStringLiteral("%1 stored, %2 already done").arg(r.stored).arg(r.skipped);
    if (!r.failed.isEmpty())
        s += QStringLiteral(", %1 failed (first: %2)").arg(r.failed.size()).arg(r.failed.front().reason);
    return s;
}

} // namespace

JobHandle* startBatchJob(JobTracker& tracker, const QString& projectPath, const BatchRequest& request,
                         std::function<void(const BatchReport&)> onFinished)
{
    auto shared = std::make_shared<Shared>();
    const QString title = request.kind == BatchRequest::Kind::Match
                              ? QStringLiteral("Match %1 image(s)").arg(request.assetIds.size())
                              : QStringLiteral("Caption %1 image(s)").arg(request.assetIds.size());
    JobHandle* handle = tracker.start(title, [shared] { shared->cancel = true; });
    auto* watcher = new QFutureWatcher<void>(handle);
    QObject::connect(
        watcher, &QFutureWatcherBase::progressValueChanged, handle,
        [handle, watcher](int value) { handle->setProgress(value, watcher->progressMaximum()); });
    QObject::connect(watcher, &QFutureWatcherBase::finished, handle, [handle, shared, onFinished] {
        const BatchReport& r = shared->report;
        if (!r.error.isEmpty())
            handle->finish(JobHandle::State::Failed, r.error);
        else if (r.cancelled)
            handle->finish(JobHandle::State::Cancelled, summary(r));
        else
            handle->finish(JobHandle::State::Succeeded, summary(r));
        if (onFinished) onFinished(r);
    });
    watcher->setFuture(QtConcurrent::run([shared, projectPath, request](QPromise<void>& promise) {
        promise.setProgressRange(0, int(request.assetIds.size()));
        QString error;
        const std::unique_ptr<Project> project = Project::open(projectPath, &error);
        if (!project) {
            shared->report.total = int(request.assetIds.size());
            shared->report.error = error;
            return;
        }
        shared->report = runBatch(
            *project, request, [&promise](int done, int) { promise.setProgressValue(done); },
            [shared] { return shared->cancel.load(); });
    }));
    return handle;
}

} // namespace loupe::core
