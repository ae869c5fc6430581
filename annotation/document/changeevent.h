// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QMetaType>

namespace loupe::annotation {

// What a document change did, so views update only what changed (Tiled's changeevents.h idea).
struct ChangeEvent
{
    enum class Type { ShapesAdded, ShapesRemoved, ShapesChanged };
    enum Property {
        Geometry = 0x1,
        Label = 0x2,
        Attributes = 0x4,
        Review = 0x8,
        All = 0xf,
    };
    Type type = Type::ShapesChanged;
    QList<qint64> shapeIds;
    QList<qint64> imageIds; // images the shapes are on (deduplicated)
    int properties = 0;     // for ShapesChanged: which Property bits changed
};

} // namespace loupe::annotation

Q_DECLARE_METATYPE(loupe::annotation::ChangeEvent)
