// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/commands/editcommand.h"

namespace loupe::annotation {

// Moves every shape of label `fromId` to `intoId` and removes `fromId`, as one step.
class MergeLabels : public EditCommand
{
public:
    MergeLabels(AnnotationDocument& doc, qint64 fromId, qint64 intoId);
};

} // namespace loupe::annotation
