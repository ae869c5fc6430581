// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/propagation/propagator.h"
#include "compute/engine_options.h"

#include <QPointer>
#include <functional>
#include <optional>

namespace loupe::core {
class JobHandle;
class JobTracker;
} // namespace loupe::core

namespace loupe::annotation {

class AnnotationDocument;

// A propagation or interpolation run the user started from the window.
struct PropagationJobRequest
{
    enum class Mode { Track, Interpolate };
    Mode mode = Mode::Track;
    QString projectPath;
    qint64 from = 0; // Track: the frame whose shapes are carried; Interpolate: any frame of the sequence
    int frames = 10; // Track: how many following frames to carry them to
    std::vector<Shape> shapes; // Track: the shapes to carry (empty: every shape of `from`)
    BoxTrackerKind tracker = BoxTrackerKind::OpenCv;
    QString samFolder; // empty: masks and polygons are skipped, SAM box tracking is refused
    // The device and precision SAM runs with (unset: the model's choice in the Models panel).
    std::optional<compute::EngineOptions> engine;
};

struct PropagationJobReport
{
    int added = 0;                   // shapes the undo step added
    std::vector<TrackReport> tracks; // Track mode
    int interpolatedTracks = 0;      // Interpolate mode
    bool cancelled = false;
    QString error;
    std::optional<compute::ExecutionRecord> execution; // what ran SAM, when it ran
};

// Runs the request on a worker thread with its own connection to the project (frames are read, tracked
// and, for SAM, embedded there), then, back on the tracker's thread, adds what it made to `doc` as one
// undo step. The handle reports frames done, honours cancel (nothing is added) and ends with a summary
// or the error. `onFinished` runs after the step was pushed.
core::JobHandle* startPropagationJob(core::JobTracker& tracker, AnnotationDocument& doc,
                                     const PropagationJobRequest& request,
                                     std::function<void(const PropagationJobReport&)> onFinished = {});

// The one-line summary a finished run shows ("12 shapes on 6 frames; 1 track lost at image 7: …").
QString summaryOf(const PropagationJobReport& report);

} // namespace loupe::annotation
