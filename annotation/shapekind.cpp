// SPDX-License-Identifier: MIT
#include "annotation/shapekind.h"

namespace loupe::annotation {

QString shapeKindName(ShapeKind k)
{
    switch (k) {
    case ShapeKind::Rectangle: return QStringLiteral("rectangle");
    case ShapeKind::RotatedRectangle: return QStringLiteral("rotated_rectangle");
    case ShapeKind::Polygon: return QStringLiteral("polygon");
    case ShapeKind::Polyline: return QStringLiteral("polyline");
    case ShapeKind::Point: return QStringLiteral("point");
    case ShapeKind::Keypoints: return QStringLiteral("keypoints");
    case ShapeKind::Mask: return QStringLiteral("mask");
    case ShapeKind::Tag: return QStringLiteral("tag");
    }
    return {};
}

} // namespace loupe::annotation
