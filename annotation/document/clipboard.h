// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/shapes/shape.h"

#include <QByteArray>
#include <optional>
#include <vector>

namespace loupe::annotation {

// Copy and paste of shapes within and across images (and across Loupe windows: the payload is JSON
// under its own MIME type).
inline constexpr char kShapesMimeType[] = "application/x-loupe-shapes";

QByteArray shapesToClipboard(const std::vector<Shape>& shapes);

// Shapes ready for AddShapes on the target image: ids cleared, image set, moved by offset. A pasted
// shape is the user's own: source manual, no score, review state new. Masks are re-cut to the target
// image's size (the part that falls outside is dropped).
std::optional<std::vector<Shape>> shapesFromClipboard(const QByteArray& payload, qint64 targetImageId,
                                                      int targetWidth, int targetHeight, QPointF offset,
                                                      QString* error);

} // namespace loupe::annotation
