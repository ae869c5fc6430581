// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/shapes/shape.h"

#include <QJsonObject>
#include <QString>
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
};

inline constexpr const char* kPropagateRunKind = "propagate";
inline constexpr const char* kInterpolateRunKind = "interpolate";

// One runs row per frame that receives shapes (a run belongs to one image in the store), with the
// model's checkpoint hash; each shape gets its frame's run id. Rows are facts, like a classification's:
// undoing the shapes leaves them. False with *error when the store refuses or the model cannot be hashed.
bool recordPropagationRuns(core::Project& project, std::vector<Shape>& shapes, const PropagationRunInfo& info,
                           QString* error);

} // namespace loupe::annotation
