// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <optional>

namespace loupe::annotation {

// The kinds of shape a project can hold. Stored by name in the annotations table; the order matches
// the alternatives of Geometry (geometry.h), so a kind is also the variant index.
enum class ShapeKind { Rectangle, RotatedRectangle, Polygon, Polyline, Point, Keypoints, Mask, Tag, Caption };
inline constexpr int kShapeKindCount = 9;

QString shapeKindName(ShapeKind k);
std::optional<ShapeKind> shapeKindFromName(const QString& name);

// Who made a shape. A model proposal is an ordinary shape with source Model, a score and a review state.
enum class ShapeSource { Manual, Model };
enum class ReviewState { New, Accepted, Rejected, NeedsFix };

QString shapeSourceName(ShapeSource s);
std::optional<ShapeSource> shapeSourceFromName(const QString& name);
QString reviewStateName(ReviewState r);
std::optional<ReviewState> reviewStateFromName(const QString& name);

} // namespace loupe::annotation
