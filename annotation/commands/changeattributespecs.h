// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/commands/editcommand.h"

namespace loupe::annotation {

// Replaces the attribute specs of a label (checkbox, choice, text, number with range). Values already on\n//
// shapes stay: formats carry attributes a label does not declare, and undo must find them.
class ChangeAttributeSpecs : public EditCommand
{
public:
    ChangeAttributeSpecs(AnnotationDocument& doc, qint64 labelId, const std::vector<AttributeSpec>& specs);
};

} // namespace loupe::annotation
