// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/shapes/attributes.h"
#include "annotation/shapes/geometry.h"

#include <QColor>
#include <QDateTime>
#include <QJsonObject>
#include <optional>

namespace loupe::annotation {

// One annotation. In a project, labelId is the label's row id; in a format-neutral Dataset it is the
// index into Dataset::labels.
struct Shape
{
    qint64 id = 0; // 0 until stored
    qint64 imageId = 0;
    qint64 labelId = 0;
    Geometry geometry;
    QJsonObject attributes;
    ShapeSource source = ShapeSource::Manual;
    std::optional<double> score; // model confidence, when a model proposed it
    qint64 runId = 0;            // the model run that proposed it; 0 for manual shapes
    ReviewState review = ReviewState::New;
    QDateTime created;
    QDateTime updated;

    ShapeKind kind() const { return kindOf(geometry); }
    bool operator==(const Shape&) const = default;
};

// A label of a project or dataset, with what its shapes may carry.
struct LabelDef
{
    qint64 id = 0;
    QString name;
    QColor color;
    std::vector<AttributeSpec> attributes;
    QStringList keypointNames;                 // for keypoint groups of this label
    std::vector<std::pair<int, int>> skeleton; // 0-based pairs into keypointNames
    QString hotkey;                            // "1".."9" or another single key; empty: none
    bool operator==(const LabelDef&) const = default;
};

} // namespace loupe::annotation
