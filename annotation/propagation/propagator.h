// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/propagation/frameorder.h"
#include "annotation/shapes/shape.h"
#include "core/inference/boxtracker.h"

#include <QStringList>
#include <functional>
#include <memory>
#include <vector>

namespace loupe::annotation {

enum class BoxTrackerKind { Sam, OpenCv };

// Carry shapes of one frame to the frames after it.
struct PropagationRequest
{
    std::vector<Frame> frames; // the shapes' frame first, then the frames to carry them to, in order
    std::vector<Shape> shapes; // shapes of frames[0]: masks, polygons and boxes (other kinds are skipped)
    BoxTrackerKind boxTracker = BoxTrackerKind::OpenCv; // masks and polygons always follow with SAM
    std::shared_ptr<const core::SamCheckpoint> sam;     // needed for masks, polygons and SAM box tracking
    core::SamTrackOptions samOptions;
    core::OpenCvTrackOptions openCvOptions;
    double polygonTolerance = 1.0; // Douglas-Peucker tolerance (pixels) of the polygons made from masks
};

// What became of one shape.
struct TrackReport
{
    qint64 shapeId = 0; // the shape it started from
    qint64 track = 0;   // the track its copies carry (see track.h)
    int carried = 0;    // frames it reached
    qint64 lostAt = 0;  // the frame where it was lost; 0 when it reached the last frame
    QString reason;     // why it was lost or skipped
    bool skipped = false;
};

struct PropagationResult
{
    std::vector<Shape> shapes; // new shapes for frames[1..]: source model, a score, review state new
    std::vector<TrackReport> tracks;
    bool cancelled = false;
    QString error; // a frame could not be read: nothing is returned
};

// Runs every track frame by frame (each frame read and, for SAM, embedded once). A track stops at the
// frame where its tracker loses the object. Touches no project: safe on a worker thread. `progress(done,
// total)` is called after each frame; `cancelled` is polled between frames and a cancelled run returns
// no shapes.
PropagationResult propagate(const PropagationRequest& request,
                            const std::function<void(int done, int total)>& progress = {},
                            const std::function<bool()>& cancelled = {});

} // namespace loupe::annotation
