// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/shapes/shape.h"

#include <QByteArray>
#include <QString>
#include <optional>

namespace loupe::annotation {

// A shape as the columns of the project store's annotations table hold it: kind, source and review
// state by name, geometry as versioned JSON (geometryjson.h), attributes as a JSON object, times in ms
// since the epoch (UTC). The bridge between Shape and whatever row type the store exposes.
struct ShapeRow
{
    qint64 id = 0;
    qint64 assetId = 0;
    qint64 labelId = 0;
    QString kind;
    QByteArray geometry;
    QByteArray attributes;
    QString source;
    qint64 runId = 0;
    std::optional<double> score;
    QString review;
    qint64 createdMs = 0;
    qint64 updatedMs = 0;
};

ShapeRow toRow(const Shape& s);
// Refuses rows it cannot read faithfully (unknown kind, geometry newer than this build, a kind column
// that disagrees with the geometry), with the reason in error.
std::optional<Shape> fromRow(const ShapeRow& row, QString* error);

} // namespace loupe::annotation
