// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/commands/editcommand.h"

namespace loupe::annotation {

// Gives a label a new colour.
class RecolorLabel : public EditCommand
{
public:
    RecolorLabel(AnnotationDocument& doc, qint64 labelId, const QColor& color);
};

} // namespace loupe::annotation
