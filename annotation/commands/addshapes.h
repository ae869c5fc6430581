// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/commands/shapepresence.h"

namespace loupe::annotation {

// Adds new shapes (drawn, pasted or proposed by a model). Their created/updated times are set here.
class AddShapes : public ShapePresence
{
public:
    AddShapes(AnnotationDocument& doc, std::vector<Shape> shapes);
};

} // namespace loupe::annotation
