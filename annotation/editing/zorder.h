// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/shapes/shape.h"

#include <QString>
#include <vector>

namespace loupe::annotation {

// Stacking order of the shapes of one image. A shape has no stacking field of its own, so the order is
// kept in the "z_order" attribute (absent = 0) and changed with ChangeAttributes like any other
// attribute, which makes raise/lower undoable and persistent. Ties (the common case) fall back to id
// order: shapes drawn later are on top.
inline const QString kZOrderAttribute = QStringLiteral("z_order");

double zOrderOf(const Shape& s);
// True when a is below b.
bool drawnBelow(const Shape& a, const Shape& b);
// The z value that puts a shape above (raise) or below (lower) every shape of `others`.
double zAbove(const std::vector<const Shape*>& others);
double zBelow(const std::vector<const Shape*>& others);

} // namespace loupe::annotation
