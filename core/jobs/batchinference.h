// SPDX-License-Identifier: MIT
#pragma once

#include "compute/engine_options.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <functional>
#include <optional>

namespace loupe::core {

class JobHandle;
class JobTracker;
class Project;

// Caption or match a selection of a project's images with one checkpoint. Each image's result is a
// runs row (kind "caption" or "match": model folder, checkpoint hash, parameters, duration, result) and,
// for captions, a captions row (source "model") pointing at it, both committed in one transaction.
// Batch results are not undo steps (a hundred images would bury the user's own edits in the undo
// history): they are model output with their provenance, removed like any caption (removeCaption).
struct BatchRequest
{
    enum class Kind { Caption, Match };
    Kind kind = Kind::Caption;
    QString modelFolder;
    QList<qint64> assetIds;
    // Caption: text every caption starts with (empty: none), and generation_config.json fields (the
    // library's names: "max_new_tokens", "num_beams", ...) overriding the checkpoint's own.
    QString prompt;
    QJsonObject decoding;
    // Match: the texts each image is scored against (at least one).
    QStringList texts;
    // The device and precision the model runs with (unset: the model's choice in the Models panel,
    // core::modelEngineOptions); each run records what actually ran it.
    std::optional<compute::EngineOptions> engine;

    // What the runs rows store as parameters, and what resume compares. A precision other than the
    // default is one of them (its results differ); the backend is not (the same answers anywhere).
    QJsonObject parameters() const;
    // "caption" or "match".
    QString runKind() const;
};

struct BatchFailure
{
    qint64 assetId = 0;
    QString reason; // "PATH: reason"
};

struct BatchReport
{
    int total = 0;   // images asked for
    int stored = 0;  // results written by this run
    int skipped = 0; // already had a run of this kind with the same model, checkpoint and parameters
    QList<BatchFailure> failed;
    bool cancelled = false;
    QString error; // the model or the project could not be opened or written: nothing more was tried
    compute::ExecutionRecord execution; // what ran the last image the model ran on
};

// Runs the batch on the calling thread over `project` (a connection of that thread). Resume is built in:
// images that already have a run of this kind with the same model folder, checkpoint hash and
// parameters are skipped, so running a cancelled batch again finishes only the rest (a caption the user
// removed since is not made again while its run is there). `progress(done,
// total)` is called after each image (stored, skipped or failed); `cancelled` is polled between images
// and between decoding steps, and an image whose work was cut short stores nothing. A missing image or
// one the model cannot read is listed in failed and the batch goes on.
BatchReport runBatch(Project& project, const BatchRequest& request,
                     const std::function<void(int done, int total)>& progress = {},
                     const std::function<bool()>& cancelled = {});

// The same as a background job in `tracker`: a worker thread opens its own connection to
// `projectPath`, reports progress to the returned handle and polls its cancel request; the handle ends
// Succeeded (message: stored, skipped, failed counts), Cancelled or Failed (message: the error).
// `onFinished` runs on the tracker's thread with the report once the worker is done: the caller's own
// Project emits no changed() for the worker's rows, so that is where views refresh.
JobHandle* startBatchJob(JobTracker& tracker, const QString& projectPath, const BatchRequest& request,
                         std::function<void(const BatchReport&)> onFinished = {});

} // namespace loupe::core
