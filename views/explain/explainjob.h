// SPDX-License-Identifier: MIT
#pragma once

#include "core/explain/explain_record.h"
#include "core/explain/forward_cache.h"
#include "core/explain/vit_session.h"

#include <QImage>
#include <QString>
#include <memory>
#include <optional>

namespace loupe::views {

// What the Explain panel asks a worker thread to do. Everything the worker needs is in here (copied or
// shared read-only), so the job never touches the panel.
struct ExplainRequest
{
    enum class Kind {
        Prepare, // open the model, hash it, run one forward with attentions (top classes, attention maps)
        Explain, // compute a map (unless one is given) and its faithfulness curves
    };
    Kind kind = Kind::Prepare;
    QString modelFolder;
    compute::EngineOptions engine; // the model's backend and precision (the Models panel's choice)
    QString imagePath;
    // Reused when present, made (and handed back in the outcome) otherwise.
    std::shared_ptr<const core::VitSession> session;
    QString checkpointHash;
    std::shared_ptr<const core::CachedForward> forward;

    core::ExplainParams params;
    int target = -1; // -1: the top class
    bool metrics = true;
    // An attention map already computed from the cache: the job only scores its faithfulness.
    std::optional<std::vector<float>> givenMap;
    double givenMapMs = 0;
};

struct ExplainOutcome
{
    ExplainRequest::Kind kind = ExplainRequest::Kind::Prepare;
    QString modelFolder;
    compute::EngineOptions engine;
    QString imagePath;
    std::shared_ptr<const core::VitSession> session;
    QString checkpointHash;
    std::shared_ptr<const core::CachedForward> forward;
    QImage preview; // Prepare: the image, at most kPreviewSide on its long side (comparison view)
    std::optional<core::Explanation> explanation;
    bool cancelled = false;
    QString error; // names the file and the problem
};

inline constexpr int kPreviewSide = 512;

// One key per model folder and engine options: a model opened at bf16 is not the one opened at f32, so
// its session and forwards are cached apart.
QString modelKey(const QString& folder, const compute::EngineOptions& engine);

// Runs on a worker thread; control.progress is called from it (and may cancel).
ExplainOutcome runExplainJob(const ExplainRequest& request, const core::ExplainControl& control);

} // namespace loupe::views
