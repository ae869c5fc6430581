// SPDX-License-Identifier: MIT
#pragma once

#include "annotation/shapes/shape.h"

#include <QStringList>
#include <map>
#include <vector>

namespace loupe::annotation {

struct InterpolationResult
{
    std::vector<Shape> shapes; // new boxes: source model, review state new, no score
    int tracks = 0;            // tracks with at least two keyframes
};

// Keyframe interpolation of boxes. `frames` are image ids in playback order and `shapes` their shapes.
// A track's keyframes are the frames where it has a box (tracks as in track.h; boxes without a "track"
// attribute that are alone in their track are also joined by label when every frame holds at most one
// such box of that label, the case of a person drawing one object on a few frames). Every frame strictly
// between two consecutive keyframes gets a box whose corners are linearly interpolated, with the label
// and attributes of the earlier keyframe and the track recorded.
InterpolationResult interpolateBoxes(const std::vector<qint64>& frames,
                                     const std::map<qint64, std::vector<Shape>>& shapes);

} // namespace loupe::annotation
