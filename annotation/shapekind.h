// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace loupe::annotation {

// The kinds of shape a project can hold. Stored by name in the annotations table.
enum class ShapeKind { Rectangle, RotatedRectangle, Polygon, Polyline, Point, Keypoints, Mask, Tag };

QString shapeKindName(ShapeKind k);

} // namespace loupe::annotation
