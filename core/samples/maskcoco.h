// SPDX-License-Identifier: MIT
#pragma once

#include "core/samples/shapesworld.h"

#include <QJsonObject>
#include <QStringList>
#include <vector>

namespace loupe::core {

// A COCO instances document holding the exact pixel masks (uncompressed RLE) of the objects of class
// `cls` in images 0..count-1 of `world`, with file names as writeShapesDataset writes them. The sample
// uses it for rings: a polygon can draw a ring only as a keyhole with a bridge, a mask holds the hole.
QJsonObject shapesMaskCocoJson(const ShapesWorld& world, int count, const QStringList& fileNames,
                               ShapeClass cls);

// COCO's uncompressed RLE of a Grayscale8 mask (nonzero = set): column-major runs, starting with a
// background run that may be 0.
QJsonObject cocoRle(const QImage& mask);

} // namespace loupe::core
