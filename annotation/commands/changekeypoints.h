// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/commands/editcommand.h"

namespace loupe::annotation {

// Sets a keypoint label's keypoint names (in drawing order) and skeleton edges.
class ChangeKeypoints : public EditCommand
{
public:
    ChangeKeypoints(AnnotationDocument& doc, qint64 labelId, const QStringList& names,
                    const std::vector<std::pair<int, int>>& skeleton);
};

} // namespace loupe::annotation
