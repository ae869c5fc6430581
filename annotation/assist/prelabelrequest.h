// SPDX-License-Identifier: MIT
#pragma once

#include "compute/engine_options.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QVariantMap>
#include <optional>

namespace loupe::annotation {

// Pre-labelling a selection of a project's images with one model. A detector checkpoint (any
// architecture registered with core::registerDetector) proposes shapes; a CLIPModel checkpoint tags
// whole images with the project's labels instead.
struct PrelabelRequest
{
    QString modelFolder;
    // A CLIP checkpoint that names what a class-agnostic detector found; empty: none. Ignored when the
    // model is CLIP itself.
    QString labellerFolder;
    QList<qint64> assetIds;
    // Detections scoring below are dropped; for CLIP tags, the label probability a tag needs.
    double threshold = 0.5;
    // The detector's own settings (core::DetectorOptions::settings), e.g. SAM's pred_iou_thresh.
    QVariantMap settings;
    // The device and precision every model of the job runs with (unset: the model's choice in the Models
    // panel, core::modelEngineOptions); each run records what actually ran it.
    std::optional<compute::EngineOptions> engine;
};

struct PrelabelFailure
{
    qint64 assetId = 0;
    QString reason; // "PATH: reason"
};

struct PrelabelReport
{
    int total = 0;     // images asked for
    int stored = 0;    // images given proposals or tags (possibly none) by this run
    int skipped = 0;   // already done by the same model, checkpoint and parameters
    int proposals = 0; // shapes written (detector) or tags added (CLIP)
    QList<PrelabelFailure> failed;
    bool cancelled = false;
    bool tags = false; // the model was CLIP: tags, not shapes
    QString detector;  // the detector's name (or "CLIP image tags"), for messages
    QString error;     // the model or the project could not be opened or written: nothing more was tried
    compute::ExecutionRecord execution; // what ran the last image the model ran on
};

// The runs rows' kind: one row per image, holding the model, its checkpoint hash, the detector's
// name and parameters, the duration and what was written.
inline constexpr const char* kPrelabelRunKindName = "prelabel";

} // namespace loupe::annotation
