// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/shapes/shape.h"

#include <QStringList>
#include <vector>

namespace loupe::core {
class Project;
} // namespace loupe::core

namespace loupe::annotation {

// The project's labels with what the label editor defined for them (hotkey, attribute specs, keypoint
// names, skeleton), without writing to the file. Definitions that cannot be read are left out and
// named in errors.
std::vector<LabelDef> readProjectLabels(core::Project& project, QStringList* errors = nullptr);

} // namespace loupe::annotation
