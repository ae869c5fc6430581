// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/commands/editcommand.h"

namespace loupe::annotation {

// Sets the key that picks a label ("1".."9" or any single key); empty clears it.
class SetLabelHotkey : public EditCommand
{
public:
    SetLabelHotkey(AnnotationDocument& doc, qint64 labelId, const QString& key);
};

} // namespace loupe::annotation
