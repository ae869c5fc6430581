// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/commands/shapepresence.h"

namespace loupe::annotation {

class RemoveShapes : public ShapePresence
{
public:
    RemoveShapes(AnnotationDocument& doc, const QList<qint64>& ids);
};

} // namespace loupe::annotation
