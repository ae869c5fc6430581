// SPDX-License-Identifier: MIT
// runPrelabel on a worker thread, watched by a JobHandle. As with batch captions the worker never
// touches the handle: it reports through its QPromise and a shared cancel flag, so a handle cleared
// from the Jobs dock leaves the worker nothing dangling to call.
#include "annotation/assist/prelabeljob.h"
#include "core/jobs/jobtracker.h"
#include "core/store/project.h"

#include <QFutureWatcher>
#include <QPromise>
#include <QtConcurrent>
#include <atomic>
#include <memory>

namespace loupe::annotation {

namespace {
struct Shared
{
    std::atomic<bool> cancel{false};
    PrelabelReport report; // written by the worker before its future finishes, read after
};
} // namespace

core::JobHandle* startPrelabelJob(core::JobTracker& tracker, const QString& projectPath,
                                  const PrelabelRequest& request,
                                  std::function<void(const PrelabelReport&)> onFinished)
{
    using core::JobHandle;
    auto shared = std::make_shared<Shared>();
    JobHandle* handle = tracker.start(QStringLiteral("Pre-label %1 image(s)").arg(request.assetIds.size()),
                                      [shared] { shared->cancel = true; });
    auto* watcher = new QFutureWatcher<void>(handle);
    QObject::connect(
        watcher, &QFutureWatcherBase::progressValueChanged, handle,
        [handle, watcher](int value) { handle->setProgress(value, watcher->progressMaximum()); });
    QObject::connect(watcher, &QFutureWatcherBase::finished, handle, [handle, shared, onFinished] {
        const PrelabelReport& r = shared->report;
        if (!r.error.isEmpty())
            handle->finish(JobHandle::State::Failed, r.error);
        else if (r.cancelled)
            handle->finish(JobHandle::State::Cancelled, prelabelSummary(r));
        else
            handle->finish(JobHandle::State::Succeeded, prelabelSummary(r));
        if (onFinished) onFinished(r);
    });
    watcher->setFuture(QtConcurrent::run([shared, projectPath, request](QPromise<void>& promise) {
        promise.setProgressRange(0, int(request.assetIds.size()));
        QString error;
        const std::unique_ptr<core::Project> project = core::Project::open(projectPath, &error);
        if (!project) {
            shared->report.total = int(request.assetIds.size());
            shared->report.error = error;
            return;
        }
        shared->report = runPrelabel(
            *project, request, [&promise](int done, int) { promise.setProgressValue(done); },
            [shared] { return shared->cancel.load(); });
    }));
    return handle;
}

} // namespace loupe::annotation
