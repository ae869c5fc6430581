// SPDX-License-Identifier: MIT
#include "annotation/shapes/shapekind.h"

namespace loupe::annotation {

QString shapeKindName(ShapeKind k)
{
    switch (k) {
    case ShapeKind::Rectangle:
        return QStringLiteral("rectangle");
    case ShapeKind::RotatedRectangle:
        return QStringLiteral("rotated_rectangle");
    case ShapeKind::Polygon:
        return QStringLiteral("polygon");
    case ShapeKind::Polyline:
        return QStringLiteral("polyline");
    case ShapeKind::Point:
        return QStringLiteral("point");
    case ShapeKind::Keypoints:
        return QStringLiteral("keypoints");
    case ShapeKind::Mask:
        return QStringLiteral("mask");
    case ShapeKind::Tag:
        return QStringLiteral("tag");
    case ShapeKind::Caption:
        return QStringLiteral("caption");
    }
    return {};
}

std::optional<ShapeKind> shapeKindFromName(const QString& name)
{
    for (int i = 0; i < kShapeKindCount; ++i)
        if (shapeKindName(ShapeKind(i)) == name) return ShapeKind(i);
    return std::nullopt;
}

QString shapeSourceName(ShapeSource s)
{
    return s == ShapeSource::Model ? QStringLiteral("model") : QStringLiteral("manual");
}

std::optional<ShapeSource> shapeSourceFromName(const QString& name)
{
    if (name == QLatin1String("manual")) return ShapeSource::Manual;
    if (name == QLatin1String("model")) return ShapeSource::Model;
    return std::nullopt;
}

QString reviewStateName(ReviewState r)
{
    switch (r) {
    case ReviewState::New:
        return QStringLiteral("new");
    case ReviewState::Accepted:
        return QStringLiteral("accepted");
    case ReviewState::Rejected:
        return QStringLiteral("rejected");
    case ReviewState::NeedsFix:
        return QStringLiteral("needs_fix");
    }
    return {};
}

std::optional<ReviewState> reviewStateFromName(const QString& name)
{
    for (ReviewState r :
         {ReviewState::New, ReviewState::Accepted, ReviewState::Rejected, ReviewState::NeedsFix})
        if (reviewStateName(r) == name) return r;
    return std::nullopt;
}

} // namespace loupe::annotation
