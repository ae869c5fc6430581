// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/commands/editcommand.h"

namespace loupe::annotation {

// Adds a label with its definition; the store gives it an id on the first redo (labelId()), and undo
// and redo keep that id so later steps that use the label stay valid.
class AddLabel : public EditCommand
{
public:
    AddLabel(AnnotationDocument& doc, const LabelDef& label);
    qint64 labelId() const;
};

} // namespace loupe::annotation
