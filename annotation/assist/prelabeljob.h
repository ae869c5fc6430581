// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/assist/prelabelrequest.h"

#include <functional>

namespace loupe::core {
class JobHandle;
class JobTracker;
class Project;
} // namespace loupe::core

namespace loupe::annotation {

// Pre-labels request.assetIds on the calling thread over `project` (a connection of that thread).
// A detector model: images are decoded a few ahead on another thread while the detector runs; each
// image's proposals are one transaction with its runs row (kind "prelabel": model folder, checkpoint
// hash, detector name and parameters, threshold, labels, labeller and its hash, duration). A CLIPModel:
// each image is scored against "a photo of a {label}" for the project's labels and the labels whose
// probability reaches the threshold are added to its tags, with its run.
// Resume: images that already have a run with the same model folder, checkpoint hash and parameters
// are skipped, so running a cancelled job again finishes only the rest. `cancelled` is polled between
// images (what is committed stays); `progress(done, total)` follows each image, skipped ones included.
// An image that cannot be read or that the model fails on is listed in failed and the job goes on.
PrelabelReport runPrelabel(core::Project& project, const PrelabelRequest& request,
                           const std::function<void(int done, int total)>& progress = {},
                           const std::function<bool()>& cancelled = {});

// The same as a background job in `tracker`: a worker thread opens its own connection to `projectPath`,
// reports progress to the returned handle and stops when it is cancelled; the handle ends Succeeded
// (message: counts), Cancelled or Failed (the error). `onFinished` runs on the tracker's thread once the
// worker is done: the caller's own connection saw none of the rows change, so that is where views reload.
core::JobHandle* startPrelabelJob(core::JobTracker& tracker, const QString& projectPath,
                                  const PrelabelRequest& request,
                                  std::function<void(const PrelabelReport&)> onFinished = {});

// One line for the Jobs dock and the command line: "12 images: 30 proposals, 3 already done, 1 failed
// (first: ...)".
QString prelabelSummary(const PrelabelReport& report);

// True when the folder's config.json names CLIPModel: such a model tags images instead of proposing shapes.
bool isClipFolder(const QString& folder);
// True when a registered detector takes the folder's architecture (config.json's architectures or
// model_type), so it can propose shapes.
bool isDetectorFolder(const QString& folder);

} // namespace loupe::annotation
