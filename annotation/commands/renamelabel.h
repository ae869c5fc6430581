// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/commands/editcommand.h"

namespace loupe::annotation {

// Renames a label (names are unique: the store refuses a taken one and the step is dropped).
class RenameLabel : public EditCommand
{
public:
    RenameLabel(AnnotationDocument& doc, qint64 labelId, const QString& name);
};

} // namespace loupe::annotation
