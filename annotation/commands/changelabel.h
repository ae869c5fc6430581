// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/commands/replaceshapes.h"

namespace loupe::annotation {

class ChangeLabel : public ReplaceShapes
{
public:
    ChangeLabel(AnnotationDocument& doc, const QList<qint64>& ids, qint64 labelId);
};

} // namespace loupe::annotation
