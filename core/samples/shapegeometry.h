// SPDX-License-Identifier: MIT
#pragma once

#include "core/samples/shapesworld.h"

#include <QPointF>
#include <vector>

namespace loupe::core {

// The outline of one shape of the given class, centred at `center`, fitting in a circle of `radius`,
// turned by `rotation` radians. A ring comes back as one keyhole polygon (see shapesworld.h).
std::vector<QPointF> shapePolygon(ShapeClass cls, QPointF center, double radius, double rotation);

// Area of the shape relative to radius^2, used to pick sizes with a prominence margin up front.
double shapeAreaFactor(ShapeClass cls);

} // namespace loupe::core
