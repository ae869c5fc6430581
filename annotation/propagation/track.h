// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/shapes/shape.h"

namespace loupe::annotation {

// Shapes of one object across frames share a track: the attribute "track" (a number) on every shape
// propagation or interpolation made. A shape without the attribute starts its own track, numbered by
// its id, so the shape a propagation started from and the shapes it made belong together without
// rewriting the original.
inline const QString kTrackAttribute = QStringLiteral("track");

// The shape's track: its "track" attribute when it holds a number, else its id.
qint64 trackOf(const Shape& shape);
bool hasTrackAttribute(const Shape& shape);

} // namespace loupe::annotation
