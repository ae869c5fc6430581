// SPDX-License-Identifier: MIT
#pragma once

// The dataset layout formats exchange with Loupe (a QJsonObject), version "v": 1:
//
// { "v": 1,
//   "labels": [ { "name": "Car", "keypoints": ["nose", ...] }, ... ],
//   "images": [ { "path": "000001.png",          // relative, '/' separators
//                 "width": 1242, "height": 375,  // as displayed; 0 when unknown
//                 "split": "train",              // may be empty
//                 "shapes": [ { "label": "Car",  // a name from "labels"; "" for captions
//                               "geometry": { "v": 1, "type": "rectangle", "box": [x, y, w, h] },
//                               "attributes": { ... },     // optional
//                               "score": 0.93 } ] } ] }    // optional, for model proposals
//
// Geometry is Loupe's stored geometry JSON: coordinates are image pixels with (0, 0) the top-left corner
// of the top-left pixel. Types: rectangle {box}, rotated_rectangle {cx, cy, w, h, angle},
// polygon / polyline {points: [x0, y0, x1, y1, ...]}, point {x, y}, keypoints, mask, tag, caption {text}.
// A reader that meets a newer "v" than it knows refuses the dataset.

#define LOUPE_DATASET_JSON_VERSION 1
