// SPDX-License-Identifier: MIT
#include "annotation/propagation/propagationjob.h"

#include "annotation/bridge/projectstoreaccess.h"
#include "annotation/propagation/interpolation.h"
#include "annotation/propagation/onestep.h"
#include "annotation/propagation/propagationruns.h"
#include "compute/error.h"
#include "core/inference/execution.h"
#include "core/jobs/jobtracker.h"
#include "core/models/engine_choice.h"
#include "core/store/project.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QtConcurrent>
#include <atomic>

namespace loupe::annotation {

namespace {

struct Shared
{
    std::atomic<bool> cancel{false};
    PropagationJobReport report;
    std::vector<Shape> made;
    QString stepText;
};

void runTrack(Shared& shared, const PropagationJobRequest& r, const FrameOrder& order,
              ProjectStoreAccess& access, QPromise<void>& promise)
{
    std::vector<Frame> seq = order.sequenceOf(r.from);
    const auto self = std::find_if(seq.begin(), seq.end(), [&](const Frame& f) { return f.id == r.from; });
    if (self == seq.end()) {
        shared.report.error = QStringLiteral("image %1 is no longer in the project").arg(r.from);
        return;
    }
    PropagationRequest request;
    const auto last = seq.end() - self > r.frames ? self + r.frames + 1 : seq.end();
    request.frames.assign(self, last);
    if (request.frames.size() < 2) {
        shared.report.error = QStringLiteral("image %1 is the last frame of its sequence").arg(r.from);
        return;
    }
    request.shapes = r.shapes.empty() ? access.shapesOf(r.from) : r.shapes;
    request.boxTracker = r.tracker;
    const compute::EngineOptions engine = core::engineOptionsOr(r.engine, r.samFolder);
    if (!r.samFolder.isEmpty()) request.sam = core::SamCheckpoint::open(r.samFolder, engine);
    promise.setProgressRange(0, int(request.frames.size()) - 1);
    const core::ExecutionScope execution(engine);
    PropagationResult result = propagate(
        request, [&](int done, int) { promise.setProgressValue(done); },
        [&] { return shared.cancel.load(); });
    shared.report.tracks = result.tracks;
    shared.report.cancelled = result.cancelled;
    shared.report.error = result.error;
    shared.made = std::move(result.shapes);
    if (request.sam) shared.report.execution = execution.finish();
    shared.stepText = QObject::tr("Propagate to %n shape(s)", nullptr, int(shared.made.size()));
}

void runInterpolate(Shared& shared, const PropagationJobRequest& r, const FrameOrder& order,
                    ProjectStoreAccess& access, QPromise<void>& promise)
{
    const std::vector<Frame> seq = order.sequenceOf(r.from);
    promise.setProgressRange(0, int(seq.size()));
    std::vector<qint64> ids;
    std::map<qint64, std::vector<Shape>> shapes;
    for (const Frame& f : seq) {
        if (shared.cancel.load()) {
            shared.report.cancelled = true;
            return;
        }
        ids.push_back(f.id);
        shapes[f.id] = access.shapesOf(f.id);
        promise.setProgressValue(int(ids.size()));
    }
    InterpolationResult result = interpolateBoxes(ids, shapes);
    shared.report.interpolatedTracks = result.tracks;
    shared.made = std::move(result.shapes);
    shared.stepText = QObject::tr("Interpolate %n box(es)", nullptr, int(shared.made.size()));
}

} // namespace

QString summaryOf(const PropagationJobReport& r)
{
    if (!r.error.isEmpty()) return r.error;
    if (r.cancelled) return QObject::tr("Cancelled: nothing was added");
    QStringList parts{QObject::tr("%n new shape(s)", nullptr, r.added)};
    if (r.interpolatedTracks) parts << QObject::tr("%n track(s) interpolated", nullptr, r.interpolatedTracks);
    for (const TrackReport& t : r.tracks) {
        if (t.skipped)
            parts << QObject::tr("shape %1 skipped: %2").arg(t.shapeId).arg(t.reason);
        else if (t.lostAt)
            parts << QObject::tr("shape %1 lost at image %2: %3").arg(t.shapeId).arg(t.lostAt).arg(t.reason);
    }
    return parts.join(QStringLiteral("; "));
}

core::JobHandle* startPropagationJob(core::JobTracker& tracker, AnnotationDocument& doc,
                                     const PropagationJobRequest& request,
                                     std::function<void(const PropagationJobReport&)> onFinished)
{
    auto shared = std::make_shared<Shared>();
    const QString title =
        request.mode == PropagationJobRequest::Mode::Track
            ? QObject::tr("Propagate image %1 to %n frame(s)", nullptr, request.frames).arg(request.from)
            : QObject::tr("Interpolate boxes in the sequence of image %1").arg(request.from);
    core::JobHandle* handle = tracker.start(title, [shared] { shared->cancel = true; });
    auto* watcher = new QFutureWatcher<void>(handle);
    QObject::connect(
        watcher, &QFutureWatcherBase::progressValueChanged, handle,
        [handle, watcher](int value) { handle->setProgress(value, watcher->progressMaximum()); });
    QPointer<AnnotationDocument> target(&doc);
    QObject::connect(watcher, &QFutureWatcherBase::finished, handle, [handle, shared, target, onFinished] {
        PropagationJobReport& r = shared->report;
        if (r.error.isEmpty() && !r.cancelled && !shared->made.empty()) {
            if (!target) {
                r.error = QObject::tr("the project was closed before the shapes could be added");
            } else {
                const int count = int(shared->made.size());
                QString error;
                const std::vector<qint64> ids =
                    addAsOneStep(*target, std::move(shared->made), shared->stepText, &error);
                if (ids.empty() && count)
                    r.error = error;
                else
                    r.added = int(ids.size());
            }
        }
        using State = core::JobHandle::State;
        handle->finish(!r.error.isEmpty() ? State::Failed
                       : r.cancelled      ? State::Cancelled
                                          : State::Succeeded,
                       summaryOf(r));
        if (onFinished) onFinished(r);
    });
    watcher->setFuture(QtConcurrent::run([shared, request](QPromise<void>& promise) {
        QString error;
        const std::unique_ptr<core::Project> project = core::Project::open(request.projectPath, &error);
        if (!project) {
            shared->report.error = error;
            return;
        }
        ProjectStoreAccess access(*project);
        const ProjectFrameOrder order(*project);
        QElapsedTimer clock;
        clock.start();
        const bool track = request.mode == PropagationJobRequest::Mode::Track;
        try {
            if (track)
                runTrack(*shared, request, order, access, promise);
            else
                runInterpolate(*shared, request, order, access, promise);
        } catch (const compute::Error& e) {
            shared->report.error = QString::fromStdString(e.what());
        }
        PropagationJobReport& report = shared->report;
        if (report.error.isEmpty() && !report.cancelled) {
            PropagationRunInfo info;
            info.kind = QString::fromLatin1(track ? kPropagateRunKind : kInterpolateRunKind);
            info.durationMs = double(clock.elapsed());
            info.parameters = {{QStringLiteral("from"), request.from}};
            if (track) {
                const bool sam = request.tracker == BoxTrackerKind::Sam;
                info.modelFolder = request.samFolder;
                info.parameters.insert(QStringLiteral("frames"), request.frames);
                info.parameters.insert(QStringLiteral("tracker"),
                                       sam ? QStringLiteral("sam") : QStringLiteral("opencv"));
            }
            info.execution = report.execution;
            recordPropagationRuns(*project, shared->made, info, &report.error);
        }
    }));
    return handle;
}

} // namespace loupe::annotation
