// SPDX-License-Identifier: MIT
#pragma once

#include "core/explain/explainer.h"
#include "core/store/records.h"

#include <QDateTime>
#include <QJsonObject>
#include <optional>
#include <vector>

namespace loupe::core {

// An explanation as the project stores it: a run of kind "explain" whose parameters are the method,
// its settings and the target, and whose result is the raw patch-grid map (not normalised, rows
// first, as `loupe explain` writes it to .npy) with its faithfulness metrics.
struct Explanation
{
    ExplainParams params;
    int target = -1;
    QString targetLabel;
    int rows = 0, cols = 0;        // head-importance: layers × heads
    std::vector<float> grid;       // rows × cols, raw values
    std::vector<float> layerDelta; // head-importance only: whole-layer ablations
    bool hasMetrics = false;
    compute::attribution::Curve deletion, insertion;

    // Provenance, filled from the stored run.
    qint64 runId = 0;
    QString modelPath;
    QString checkpointHash;
    QString backend;
    QString device;
    QString precision; // "f32", "bf16", ...: a map made below f32 says so wherever it is shown
    QString fallbackReason;
    double durationMs = 0;
    QDateTime when;

    QString title() const; // "rollout (mean, discard 0.9) → circle"
    // The precision when it is not f32 ("bf16", "int8"), else empty: the badge a heat map carries.
    QString precisionBadge() const;
};

inline constexpr const char* kExplainRunKind = "explain";

QString fusionName(compute::attribution::HeadFusion f);
std::optional<compute::attribution::HeadFusion> fusionFromName(const QString& name);

// Only the settings the method uses are written, so two runs of one method compare equal when they
// would give the same map.
QJsonObject paramsToJson(const ExplainParams& p);
// Missing keys keep their defaults; an unknown method or fusion sets *error and returns nothing.
std::optional<ExplainParams> paramsFromJson(const QJsonObject& o, QString* error = nullptr);

RunRecord toRun(const Explanation& e, qint64 assetId);
// Reads a stored run back; nothing (and *error saying what is wrong) for a run that is not a readable
// explanation, e.g. a grid whose length is not rows × cols.
std::optional<Explanation> fromRun(const RunRecord& run, QString* error = nullptr);

} // namespace loupe::core
