// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/commands/editcommand.h"

namespace loupe::annotation {

// Removes a label with its shapes, or (moveShapesTo != 0) after moving its shapes to that label.
class DeleteLabel : public EditCommand
{
public:
    DeleteLabel(AnnotationDocument& doc, qint64 labelId, qint64 moveShapesTo = 0);
};

} // namespace loupe::annotation
