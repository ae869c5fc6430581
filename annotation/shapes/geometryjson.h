// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/shapes/geometry.h"

#include <QJsonObject>
#include <optional>

namespace loupe::annotation {

// The JSON kept in the store's geometry column. Every object carries "v" (the layout version) and
// "type" (shapeKindName); readers accept versions up to kGeometryJsonVersion and refuse newer ones, so
// an old Loupe never misreads a shape written by a newer one.
inline constexpr int kGeometryJsonVersion = 1;

QJsonObject geometryToJson(const Geometry& g);
std::optional<Geometry> geometryFromJson(const QJsonObject& o, QString* error);

// Compact text for the column (no whitespace).
QByteArray geometryToBytes(const Geometry& g);
std::optional<Geometry> geometryFromBytes(const QByteArray& bytes, QString* error);

} // namespace loupe::annotation
