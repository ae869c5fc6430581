// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/shapes/shape.h"
#include "compute/engine_options.h"

#include <QJsonObject>
#include <QString>
#include <optional>
#include <vector>

namespace loupe::core {
class Project;
}

namespace loupe::annotation {

// What a propagation or interpolation run was, for the runs rows that make its shapes traceable.
struct PropagationRunInfo
{
    QString kind;        // kPropagateRunKind or kInterpolateRunKind
    QString modelFolder; // the SAM checkpoint, empty when none ran (OpenCV tracking, interpolation)
    QJsonObject parameters;
    double durationMs = 0;
    // What ran the SAM model; unset when no model ran (the rows then say only "cpu").
    std::optional<compute::ExecutionRecord> execution;
};

inline constexpr const char* kPropagateRunKind = "propagate";
inline constexpr const char* kInterpolateRunKind = "interpolate";

// One runs row per frame that receives shapes (a run belongs to one image in the store), with the
// model's checkpoint hash; each shape gets its frame's run id. Rows are facts, like a classification's:
// undoing the shapes leaves them. False with *error when the store refuses or the model cannot be hashed.
bool recordPropagationRuns(core::Project& project, std::vector<Shape>& shapes, const PropagationRunInfo& info,
                           QString* error);

} // namespace loupe::annotation
