// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/document/annotationdocument.h"

#include <QString>
#include <vector>

namespace loupe::annotation {

// Adds what one propagation or interpolation run made as ONE undo step named `text`, so Edit > Undo
// takes the whole run back however many frames it reached. Returns the new shapes' ids; empty when
// there was nothing to add or the store refused (`*error` then says why).
std::vector<qint64> addAsOneStep(AnnotationDocument& doc, std::vector<Shape> shapes, const QString& text,
                                 QString* error = nullptr);

} // namespace loupe::annotation
